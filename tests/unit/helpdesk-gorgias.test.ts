// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  GORGIAS_SHOPIFY_INTEGRATIONS_PATH,
  gorgias,
  gorgiasFromApi,
  gorgiasFromPage,
  gorgiasTicketId,
  parseGorgiasShops,
  parseGorgiasTicket,
} from '../../lib/helpdesks/gorgias';
import type { GetJson } from '../../lib/helpdesks/types';
import {
  ANA,
  BOB_G,
  GORGIAS_TICKETS,
  type GorgiasTicket,
  gorgiasAppPage,
  gorgiasDetailHtml,
  gorgiasTicketJson,
  JANE_G,
  SHOPIFY_INTEGRATIONS,
  VIEW_ID,
} from '../fixtures/helpdesk/gorgias';
import { parseHtml } from './dom';

/** The detector as the runtime uses it: scoped to the ticket's part of the page. */
function readPage(doc: Document, ticketId: string) {
  const root = gorgias.ticketRoot(doc, ticketId);
  return root && gorgiasFromPage(root, ticketId);
}

function anchorOf(doc: Document, ticketId: string) {
  const root = gorgias.ticketRoot(doc, ticketId);
  return root && gorgias.anchor(root);
}

const ticket = (id: number) => GORGIAS_TICKETS[id] as GorgiasTicket;

describe('gorgiasTicketId', () => {
  it.each([
    ['https://acme.gorgias.com/app/ticket/201', '201'],
    ['https://acme.gorgias.com/app/ticket/201/', '201'],
    [`https://acme.gorgias.com/app/views/${VIEW_ID}/201`, '201'],
    ['https://acme.gorgias.com/app/views/my-view_2/201?x=1', '201'],
    [`https://acme.gorgias.com/app/views/${VIEW_ID}`, undefined],
    ['https://acme.gorgias.com/app/ticket/new', undefined],
    ['https://acme.gorgias.com/app/customer/7001', undefined],
    ['https://acme.gorgias.com/app', undefined],
    ['https://acme.gorgias.com/app/ticket/201x', undefined],
  ])('%s → %s', (url, id) => {
    expect(gorgiasTicketId(new URL(url))).toBe(id);
  });
});

describe('parseGorgiasTicket', () => {
  it.each([
    [201, ANA.email, [{ id: '24680' }, { id: '99999' }]],
    [202, JANE_G.email, [{ id: '12345' }]],
    [203, BOB_G.email, undefined],
    [205, undefined, undefined],
  ])('ticket %s → %s with Shopify ids %j (never an email from the messages)', (id, email, shopify) => {
    const customer = parseGorgiasTicket(gorgiasTicketJson(ticket(id)), String(id));
    expect(customer?.email).toBe(email ?? undefined);
    expect(customer?.shopify).toEqual(shopify);
    expect(customer).toMatchObject({ helpdesk: 'gorgias', ticketId: String(id), source: 'api' });
  });

  it.each([
    [
      'gid ids and numeric strings',
      { a: { __integration_type__: 'shopify', customer: { id: 'gid://shopify/Customer/42' } } },
      ['42'],
    ],
    ['an array of integrations', [{ __integration_type__: 'shopify', customer: { id: 7 } }], ['7']],
    ['other integration types ignored', { a: { __integration_type__: 'magento2', customer: { id: 9 } } }, []],
    ['ids that are not Shopify ids ignored', { a: { __integration_type__: 'shopify', customer: { id: 'abc' } } }, []],
    ['no customer in the integration', { a: { __integration_type__: 'shopify' } }, []],
    [
      'duplicates once',
      {
        a: { __integration_type__: 'shopify', customer: { id: 5 } },
        b: { __integration_type__: 'shopify', customer: { id: '5' } },
      },
      ['5'],
    ],
    ['not an object', 'shopify', []],
  ])('integrations: %s', (_name, integrations, ids) => {
    const customer = parseGorgiasTicket({ id: 1, customer: { email: 'a@b.co', integrations } }, '1');
    expect(customer?.shopify?.map((r) => r.id) ?? []).toEqual(ids);
  });

  it('falls back to the email channel, the requester object, and first + last name', () => {
    expect(
      parseGorgiasTicket(
        { requester: { firstname: 'Ana', lastname: 'López', channels: [{ type: 'email', address: 'ana@x.mx' }] } },
        '3',
      ),
    ).toEqual({ helpdesk: 'gorgias', ticketId: '3', name: 'Ana López', email: 'ana@x.mx', source: 'api' });
  });

  it.each([null, [], 'x', { id: 1 }, { customer: 'x' }])('%j → undefined', (body) => {
    expect(parseGorgiasTicket(body, '1')).toBeUndefined();
  });
});

describe('parseGorgiasShops', () => {
  it('maps integration ids to shop domains', () => {
    expect(parseGorgiasShops({ data: SHOPIFY_INTEGRATIONS })).toEqual(
      new Map([
        ['11', 'acme-shop.myshopify.com'],
        ['12', 'acme-outlet.myshopify.com'],
      ]),
    );
  });

  it('accepts a bare list, reads only meta.shop_name (shop_domain has no evidence), skips unusable entries', () => {
    const shops = parseGorgiasShops([
      { id: 1, meta: { shop_name: 'Acme-Shop' } },
      { id: 4, meta: { shop_domain: 'shop.example.com' } },
      { id: 2, meta: { shop_name: 'bad name/../' } },
      { id: 3 },
      { meta: { shop_name: 'no-id' } },
    ]);
    expect([...shops]).toEqual([['1', 'acme-shop.myshopify.com']]);
  });

  it.each([null, 'x', { data: 'x' }])('%j → empty', (body) => {
    expect(parseGorgiasShops(body).size).toBe(0);
  });
});

describe('gorgiasFromApi', () => {
  function api(routes: Record<string, { status: number; body: unknown } | Error>): GetJson & { paths: string[] } {
    const paths: string[] = [];
    const getJson = async (path: string) => {
      paths.push(path);
      const route = routes[path];
      if (route instanceof Error) throw route;
      return route ?? { status: 404, body: {} };
    };
    return Object.assign(getJson, { paths });
  }

  it('several Shopify ids: asks which shop each belongs to', async () => {
    const getJson = api({
      '/api/tickets/201': { status: 200, body: gorgiasTicketJson(ticket(201)) },
      [GORGIAS_SHOPIFY_INTEGRATIONS_PATH]: { status: 200, body: { data: SHOPIFY_INTEGRATIONS } },
    });
    const outcome = await gorgiasFromApi('201', getJson);
    expect(getJson.paths).toEqual(['/api/tickets/201', GORGIAS_SHOPIFY_INTEGRATIONS_PATH]);
    expect(outcome).toMatchObject({
      kind: 'found',
      customer: {
        email: ANA.email,
        shopify: [
          { id: '24680', shop: 'acme-shop.myshopify.com' },
          { id: '99999', shop: 'acme-outlet.myshopify.com' },
        ],
      },
    });
  });

  it('several Shopify ids, shops unknown (lookup fails): ids without shops', async () => {
    const getJson = api({
      '/api/tickets/201': { status: 200, body: gorgiasTicketJson(ticket(201)) },
      [GORGIAS_SHOPIFY_INTEGRATIONS_PATH]: new Error('offline'),
    });
    const outcome = await gorgiasFromApi('201', getJson);
    expect(outcome).toMatchObject({ kind: 'found', customer: { shopify: [{ id: '24680' }, { id: '99999' }] } });
  });

  it('asks for up to 100 Shopify integrations', () => {
    expect(GORGIAS_SHOPIFY_INTEGRATIONS_PATH).toBe('/api/integrations?type=shopify&limit=100');
  });

  it('the mark is the customer profile path the page links', async () => {
    const getJson = api({ '/api/tickets/202': { status: 200, body: gorgiasTicketJson(ticket(202)) } });
    expect(await gorgiasFromApi('202', getJson)).toMatchObject({ mark: `/app/customer/${JANE_G.id}` });
  });

  it('one Shopify id: no second request', async () => {
    const getJson = api({ '/api/tickets/202': { status: 200, body: gorgiasTicketJson(ticket(202)) } });
    expect(await gorgiasFromApi('202', getJson)).toMatchObject({
      kind: 'found',
      customer: { shopify: [{ id: '12345' }] },
    });
    expect(getJson.paths).toEqual(['/api/tickets/202']);
  });

  it.each([
    [401, { error: 'Unauthorized' }],
    [404, { error: { msg: 'Resource not found' } }],
    [200, '<html>login</html>'],
  ])('%s → refused', async (status, body) => {
    expect(await gorgiasFromApi('9', api({ '/api/tickets/9': { status, body } }))).toEqual({ kind: 'refused', status });
  });

  it('a network failure → refused', async () => {
    expect(await gorgiasFromApi('9', api({ '/api/tickets/9': new TypeError('x') }))).toEqual({
      kind: 'refused',
      status: 0,
    });
  });
});

describe('gorgiasFromPage, anchor and requesterMark', () => {
  it.each([
    [`/app/views/${VIEW_ID}/204`, '204', BOB_G.email],
    ['/app/ticket/202', '202', JANE_G.email],
    ['/app/ticket/201', '201', ANA.email],
    // The newer ticket UI renders no profile block: no email on the page.
    ['/app/ticket/203', '203', undefined],
    [`/app/views/${VIEW_ID}/205`, '205', undefined],
  ])('%s → %s (never the view list’s or the thread’s addresses)', (path, id, email) => {
    const doc = parseHtml(gorgiasAppPage(path));
    expect(doc.querySelector('[aria-label="Ticket thread"] a[href^="mailto:"]')).not.toBeNull();
    expect(readPage(doc, id)?.email).toBe(email);
  });

  it('gives name and source', () => {
    const doc = parseHtml(gorgiasAppPage('/app/ticket/202'));
    expect(readPage(doc, '202')).toEqual({
      helpdesk: 'gorgias',
      ticketId: '202',
      name: JANE_G.name,
      email: JANE_G.email,
      source: 'page',
    });
  });

  it('anchors by the customer link outside the thread, never the audit event’s links inside it', () => {
    const doc = parseHtml(gorgiasAppPage('/app/ticket/201'));
    const inThread = doc.querySelectorAll('[aria-label="Ticket thread"] a[href^="/app/customer/"]');
    expect([...inThread].map((a) => a.getAttribute('href'))).toEqual([
      `/app/customer/${BOB_G.id}`,
      `/app/customer/${ANA.id}`,
    ]);
    const anchor = anchorOf(doc, '201');
    expect(anchor?.getAttribute('href')).toBe(`/app/customer/${ANA.id}`);
    expect(anchor?.closest('[aria-label="Ticket thread"]')).toBeNull();
    expect(gorgias.requesterMark(doc.body)).toBe(`/app/customer/${ANA.id}`);
  });

  it('anchors by the infobar header’s name when the profile block is absent', () => {
    const doc = parseHtml(gorgiasAppPage('/app/ticket/203'));
    doc.querySelector('nav[aria-label="Breadcrumbs"]')?.remove();
    expect(anchorOf(doc, '203')?.textContent).toBe(BOB_G.name);
  });

  it('a customer switched on the ticket shows in the mark and the infobar', () => {
    const doc = parseHtml(gorgiasAppPage('/app/ticket/202'));
    const detail = doc.getElementById('detail') as HTMLElement;
    detail.innerHTML = gorgiasDetailHtml(ticket(202), { customer: BOB_G });
    expect(gorgias.requesterMark(doc.body)).toBe(`/app/customer/${BOB_G.id}`);
    expect(readPage(doc, '202')?.email).toBe(BOB_G.email);
  });

  it('selects on no hashed class name (the fixture’s classes are CSS-module hashes)', () => {
    const doc = parseHtml(gorgiasAppPage('/app/ticket/201'));
    expect(doc.querySelector('[class*="--"]')).not.toBeNull();
    for (const el of doc.querySelectorAll('[class*="--"]')) el.removeAttribute('class');
    expect(readPage(doc, '201')?.email).toBe(ANA.email);
  });

  it('reads a 5,000-message ticket', () => {
    const doc = parseHtml(gorgiasAppPage('/app/ticket/207'));
    expect(readPage(doc, '207')?.email).toBe(BOB_G.email);
  }, 30_000);
});
