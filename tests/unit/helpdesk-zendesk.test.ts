// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { GetJson } from '../../lib/helpdesks/types';
import {
  parseZendeskTicket,
  zendesk,
  zendeskApiPath,
  zendeskFromApi,
  zendeskFromPage,
  zendeskTicketId,
} from '../../lib/helpdesks/zendesk';
import {
  BOB,
  CC,
  changeZendeskRequester,
  JANE,
  OPEN_TABS,
  ZENDESK_TICKETS,
  ZENDESK_USERS,
  type ZendeskTicket,
  zendeskAgentPage,
  zendeskTicketHtml,
  zendeskTicketJson,
  zendeskUserJson,
} from '../fixtures/helpdesk/zendesk';
import { parseHtml } from './dom';

/** The page layer as the runtime uses it: scoped to the ticket's own layout. */
function readPage(doc: Document, ticketId: string) {
  const root = zendesk.ticketRoot(doc, ticketId);
  return root && zendeskFromPage(root, ticketId);
}

function anchorOf(doc: Document, ticketId: string) {
  const root = zendesk.ticketRoot(doc, ticketId);
  return root && zendesk.anchor(root);
}

const ticket = (id: number) => ZENDESK_TICKETS[id] as ZendeskTicket;
/** Parsing a 5,000-comment page takes seconds in happy-dom on a busy 2-core machine. */
const BIG_PAGE_MS = 30_000;
const pages = new Map<string, Document>();
/** A parsed agent page, shared by tests that only read it. */
function agentPage(path: string): Document {
  const doc = pages.get(path) ?? parseHtml(zendeskAgentPage(path));
  pages.set(path, doc);
  return doc;
}

describe('zendeskTicketId', () => {
  it.each([
    ['https://acme.zendesk.com/agent/tickets/101', '101'],
    ['https://acme.zendesk.com/agent/tickets/101/events', '101'],
    ['https://acme.zendesk.com/agent/tickets/101?ref=x#c2', '101'],
    ['https://acme.zendesk.com/agent/tickets/new/1', undefined],
    ['https://acme.zendesk.com/agent/tickets/', undefined],
    ['https://acme.zendesk.com/agent/dashboard', undefined],
    ['https://acme.zendesk.com/agent/users/501/requested_tickets', undefined],
    ['https://acme.zendesk.com/agent/tickets/101abc', undefined],
    ['https://acme.zendesk.com/hc/agent/tickets/101', undefined],
    ['https://acme.zendesk.com/agent/tickets/1234567890123456', undefined],
  ])('%s → %s', (url, id) => {
    expect(zendeskTicketId(new URL(url))).toBe(id);
  });

  it('asks the ticket with its users', () => {
    expect(zendeskApiPath('101')).toBe('/api/v2/tickets/101.json?include=users');
  });
});

describe('parseZendeskTicket (the API JSON)', () => {
  it.each(Object.values(ZENDESK_TICKETS).map((t) => [t.id, t.partialUser ? undefined : t.requester.email] as const))(
    'ticket %s → requester %s (not the agent, not a CC, whatever the order)',
    (id, email) => {
      const parsed = parseZendeskTicket(zendeskTicketJson(ticket(id)), String(id));
      expect(parsed?.customer.email).toBe(email ?? undefined);
      expect(parsed?.customer).toMatchObject({ helpdesk: 'zendesk', ticketId: String(id), source: 'api' });
      expect(parsed?.customer.name).toBe(ticket(id).requester.name);
      expect(parsed?.requesterId).toBe(String(ticket(id).requester.id));
    },
  );

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'ticket'],
    ['no ticket', { users: [] }],
    ['no requester id', { ticket: { id: 1 }, users: [{ id: 1, email: 'a@b.co' }] }],
    ['an object requester id', { ticket: { requester_id: { id: 1 } }, users: [] }],
    ['a requester id that is not a number', { ticket: { requester_id: '7/../x' }, users: [] }],
  ])('%s → undefined', (_name, body) => {
    expect(parseZendeskTicket(body, '1')).toBeUndefined();
  });

  it.each([
    ['requester missing from users', { ticket: { requester_id: 7 }, users: [{ id: 8, email: 'other@example.com' }] }],
    ['users missing', { ticket: { requester_id: 7 } }],
    ['email null', { ticket: { requester_id: 7 }, users: [{ id: 7, email: null, name: 'Phone' }] }],
    ['email not an email', { ticket: { requester_id: 7 }, users: [{ id: 7, email: 'jane at example' }] }],
    ['email with markup', { ticket: { requester_id: 7 }, users: [{ id: 7, email: '<b>x@y.co</b>' }] }],
  ])('%s → a customer without email', (_name, body) => {
    const parsed = parseZendeskTicket(body, '7');
    expect(parsed?.customer).toBeDefined();
    expect(parsed?.customer.email).toBeUndefined();
  });

  it('accepts a string requester id and never returns the Zendesk user id', () => {
    const parsed = parseZendeskTicket(
      { ticket: { requester_id: '7' }, users: [{ id: 7, email: ' Jane@Example.com ', name: 'Jane' }] },
      '9',
    );
    expect(parsed?.customer).toEqual({
      helpdesk: 'zendesk',
      ticketId: '9',
      name: 'Jane',
      email: 'Jane@Example.com',
      source: 'api',
    });
  });
});

/** The fixture's API, as the content script's same-origin GET sees it. */
const fixtureApi: GetJson = async (path) => {
  const user = /^\/api\/v2\/users\/(\d+)\.json$/.exec(path);
  if (user) {
    const found = ZENDESK_USERS.find((u) => String(u.id) === user[1]);
    return found ? { status: 200, body: { user: zendeskUserJson(found) } } : { status: 404, body: {} };
  }
  const id = /^\/api\/v2\/tickets\/(\d+)\.json\?include=users$/.exec(path)?.[1];
  const t = id ? ZENDESK_TICKETS[Number(id)] : undefined;
  if (!t || (t.api && t.api !== 200)) return { status: t?.api ?? 404, body: { error: 'x' } };
  return { status: 200, body: zendeskTicketJson(t) };
};

describe('zendeskFromApi', () => {
  const reply =
    (status: number, body: unknown): GetJson =>
    async () => ({ status, body });

  it('found: the requester, with the name the requester field shows as its mark', async () => {
    const paths: string[] = [];
    const outcome = await zendeskFromApi('101', async (path) => {
      paths.push(path);
      return fixtureApi(path);
    });
    expect(paths).toEqual(['/api/v2/tickets/101.json?include=users']);
    expect(outcome).toMatchObject({ kind: 'found', customer: { email: JANE.email }, mark: JANE.name });
  });

  it('a partial side-loaded requester (no email) → the email from the users API', async () => {
    const paths: string[] = [];
    const outcome = await zendeskFromApi('109', async (path) => {
      paths.push(path);
      return fixtureApi(path);
    });
    expect(paths).toEqual(['/api/v2/tickets/109.json?include=users', `/api/v2/users/${BOB.id}.json`]);
    expect(outcome).toMatchObject({ kind: 'found', customer: { email: BOB.email, name: BOB.name } });
  });

  it('a requester with no email at all (phone) → found without email, the users API asked once', async () => {
    const paths: string[] = [];
    const outcome = await zendeskFromApi('105', async (path) => {
      paths.push(path);
      return fixtureApi(path);
    });
    expect(paths).toHaveLength(2);
    expect(outcome.kind).toBe('found');
    expect(outcome.kind === 'found' && outcome.customer.email).toBeUndefined();
  });

  it('the users API refused or answering for someone else → the ticket answer stands', async () => {
    for (const users of [
      { status: 403, body: {} },
      { status: 200, body: { user: { id: 999, email: CC.email } } },
    ]) {
      const outcome = await zendeskFromApi('109', async (path) =>
        path.startsWith('/api/v2/users/') ? users : fixtureApi(path),
      );
      expect(outcome).toMatchObject({ kind: 'found', customer: { name: BOB.name } });
      expect(outcome.kind === 'found' && outcome.customer.email).toBeUndefined();
    }
  });

  it.each([401, 403, 404, 500])('%s → refused (the page is read instead)', async (status) => {
    expect(await zendeskFromApi('101', reply(status, { error: 'x' }))).toEqual({ kind: 'refused', status });
  });

  it('a 200 that is not a ticket (a login page) → refused', async () => {
    expect(await zendeskFromApi('101', reply(200, undefined))).toEqual({ kind: 'refused', status: 200 });
  });

  it('a network failure → refused, never thrown', async () => {
    const outcome = await zendeskFromApi('101', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(outcome).toEqual({ kind: 'refused', status: 0 });
  });
});

describe('zendeskFromPage (the customer panel of the ticket in the URL)', () => {
  it.each(
    Object.values(ZENDESK_TICKETS).map(
      (t) => [t.id, t.contextClosed ? undefined : (t.requester.email ?? undefined)] as const,
    ),
  )(
    'ticket %s among mounted tabs → %s',
    (id, email) => {
      const doc = agentPage(`/agent/tickets/${id}`);
      // Other tickets' layouts are mounted too (hidden): only this one's is read.
      expect(doc.querySelectorAll('.ticket-panes-grid-layout').length).toBeGreaterThanOrEqual(OPEN_TABS.length);
      expect(readPage(doc, String(id))?.email).toBe(email);
    },
    BIG_PAGE_MS,
  );

  it('reads the name from the requester field and says the page was the source', () => {
    const doc = agentPage('/agent/tickets/102');
    expect(readPage(doc, '102')).toEqual({
      helpdesk: 'zendesk',
      ticketId: '102',
      name: BOB.name,
      email: BOB.email,
      source: 'page',
    });
  });

  it('finds the layout from the side-conversations element when its test id differs', () => {
    const doc = parseHtml(zendeskTicketHtml(ticket(102), { active: true }).replace('ticket-102-custom-layout', 'x'));
    expect(readPage(doc, '102')?.email).toBe(BOB.email);
  });

  it.each([
    ['its tab bar and the pressed omnipanel selector', false, JANE.email],
    ['only the pressed omnipanel selector (no customer-context tab bar)', true, JANE.email],
  ])('an open customer panel marked by %s → its email', (_variant, omnipanelOnly, email) => {
    const doc = parseHtml(zendeskTicketHtml({ ...ticket(104), api: 200, omnipanelOnly }, { active: true }));
    expect(readPage(doc, '104')?.email).toBe(email);
  });

  it('the omnipanel showing another tab (selector not pressed) → no email from it', () => {
    const doc = parseHtml(
      zendeskTicketHtml({ ...ticket(105), omnipanelOnly: true, contextClosed: true }, { active: true }),
    );
    expect(readPage(doc, '105')).toBeUndefined();
  });

  it.each([
    ['closed', { contextClosed: true }, true],
    ['closed, the omnipanel on another tab', { contextClosed: true, omnipanelOnly: true }, true],
    ['open', {}, false],
    ['open, marked only by the omnipanel', { omnipanelOnly: true }, false],
  ])('panelClosed: the customer panel %s → %s', (_variant, state, closed) => {
    const doc = parseHtml(zendeskTicketHtml({ ...ticket(103), contextClosed: false, ...state }, { active: true }));
    const root = zendesk.ticketRoot(doc, '103');
    expect(root && zendesk.panelClosed?.(root)).toBe(closed);
  });

  it('works whichever column holds the panel (ticket 104 puts it first)', () => {
    const doc = parseHtml(zendeskTicketHtml({ ...ticket(104), api: 200 }, { active: true }));
    expect(doc.querySelector('[data-test-id="column-1"]')?.className).toContain('ContextPanel');
    expect(readPage(doc, '104')?.email).toBe(JANE.email);
  });

  it('never takes a comment that imitates the panel or the field, nor a CC (ticket 101 has all three)', () => {
    const doc = parseHtml(zendeskAgentPage('/agent/tickets/101'));
    const layout = doc.querySelector('[data-test-id="ticket-101-custom-layout"]');
    const log = layout?.querySelector('[data-test-id="omni-log-container"]');
    expect(log?.querySelector('[data-test-id="customer-context-tab-navigation"]')?.textContent).toBe(BOB.email);
    expect(layout?.querySelector('[data-test-id="ticket-fields-collaborators"]')?.textContent).toContain(CC.email);
    expect(readPage(doc, '101')?.email).toBe(JANE.email);
    // Without the real panel (its tab closed), still neither the comment's nor the CC's.
    layout?.querySelector('.component-type-ContextPanel')?.replaceChildren();
    expect(readPage(doc, '101')).toBeUndefined();
  });

  it('a layout without columns: the first panel outside the conversation', () => {
    const html = `<div data-test-id="ticket-5-custom-layout"><div data-test-id="omni-log-container"><div data-garden-id="pane"><div data-test-id="customer-context-tab-navigation"></div>x@y.co</div></div>
<div data-garden-id="pane"><div data-test-id="customer-context-tab-navigation"></div><a href="mailto:real@example.com">Real</a></div></div>`;
    expect(readPage(parseHtml(html), '5')?.email).toBe('real@example.com');
  });

  it.each([
    ['no layout for the ticket', zendeskTicketHtml(ticket(102), { active: true }), '999'],
    ['a layout whose panel tab is closed', zendeskTicketHtml(ticket(103), { active: true }), '103'],
    ['an email only in the conversation', '<div data-test-id="ticket-5-custom-layout"><p>x@y.co</p></div>', '5'],
    ['an empty document', '', '5'],
  ])('%s → undefined', (_name, html, id) => {
    expect(readPage(parseHtml(html), id)).toBeUndefined();
  });

  it(
    'reads pages of 5,000 comments',
    () => {
      const doc = agentPage('/agent/tickets/107');
      expect(doc.querySelectorAll('[data-test-id="ticket-107-custom-layout"] article').length).toBe(5001);
      expect(readPage(doc, '107')?.email).toBe(BOB.email);
    },
    BIG_PAGE_MS,
  );
});

describe('zendesk.anchor and requesterMark', () => {
  it('the anchor is the requester field of the ticket in the URL, not of a hidden one', () => {
    const doc = parseHtml(zendeskAgentPage('/agent/tickets/104'));
    const anchor = anchorOf(doc, '104');
    expect(anchor?.getAttribute('data-test-id')).toBe('ticket-system-field-requester-select');
    expect(anchor?.closest('.ticket-panes-grid-layout')?.getAttribute('data-test-id')).toBe('ticket-104-custom-layout');
  });

  it('is undefined while the layout is not rendered', () => {
    expect(anchorOf(parseHtml(zendeskAgentPage('/agent/dashboard')), '104')).toBeUndefined();
  });

  it('the mark is the name in the field, and follows a requester change', () => {
    const doc = parseHtml(zendeskAgentPage('/agent/tickets/102'));
    const root = zendesk.ticketRoot(doc, '102') as Element;
    expect(zendesk.requesterMark(root)).toBe(BOB.name);
    changeZendeskRequester(doc, ticket(102), JANE);
    expect(zendesk.requesterMark(root)).toBe(JANE.name);
    expect(readPage(doc, '102')).toMatchObject({ name: JANE.name, email: JANE.email });
  });
});
