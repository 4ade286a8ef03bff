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

  it('accepts a bare list and shop_domain, and skips unusable entries', () => {
    const shops = parseGorgiasShops([
      { id: 1, meta: { shop_domain: 'Shop.Example.com' } },
      { id: 2, meta: { shop_name: 'bad name/../' } },
      { id: 3 },
      { meta: { shop_name: 'no-id' } },
    ]);
    expect([...shops]).toEqual([['1', 'shop.example.com']]);
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

describe('gorgiasFromPage and anchor', () => {
  it.each([
    [`/app/views/${VIEW_ID}/204`, '204', BOB_G.email],
    ['/app/ticket/202', '202', JANE_G.email],
    [`/app/views/${VIEW_ID}/205`, '205', undefined],
  ])('%s → %s (the view list’s emails are never read)', (path, id, email) => {
    const doc = parseHtml(gorgiasAppPage(path));
    expect(readPage(doc, id)?.email).toBe(email ?? undefined);
  });

  it('is scoped to the ticket in the URL', () => {
    const doc = parseHtml(gorgiasAppPage(`/app/views/${VIEW_ID}/204`));
    expect(readPage(doc, '203')).toBeUndefined();
    expect(anchorOf(doc, '203')).toBeUndefined();
    expect(anchorOf(doc, '204')?.textContent).toBe(BOB_G.name);
  });

  it('gives name and source', () => {
    const doc = parseHtml(gorgiasAppPage('/app/ticket/203'));
    expect(readPage(doc, '203')).toEqual({
      helpdesk: 'gorgias',
      ticketId: '203',
      name: BOB_G.name,
      email: BOB_G.email,
      source: 'page',
    });
  });

  it('reads a 5,000-message ticket', () => {
    const doc = parseHtml(gorgiasAppPage('/app/ticket/206'));
    expect(readPage(doc, '206')?.email).toBe(JANE_G.email);
  }, 30_000);
});
