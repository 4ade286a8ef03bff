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
  JANE,
  OPEN_TABS,
  ZENDESK_TICKETS,
  type ZendeskTicket,
  zendeskAgentPage,
  zendeskPaneHtml,
  zendeskTicketJson,
} from '../fixtures/helpdesk/zendesk';
import { parseHtml } from './dom';

/** The detector as the runtime uses it: scoped to the ticket's part of the page. */
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
  it.each(Object.values(ZENDESK_TICKETS).map((t) => [t.id, t.requester.email] as const))(
    'ticket %s → requester %s (not the agent, not a CC, whatever the order)',
    (id, email) => {
      const customer = parseZendeskTicket(zendeskTicketJson(ticket(id)), String(id));
      expect(customer?.email).toBe(email ?? undefined);
      expect(customer).toMatchObject({ helpdesk: 'zendesk', ticketId: String(id), source: 'api' });
      expect(customer?.name).toBe(ticket(id).requester.name);
    },
  );

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'ticket'],
    ['no ticket', { users: [] }],
    ['no requester id', { ticket: { id: 1 }, users: [{ id: 1, email: 'a@b.co' }] }],
    ['an object requester id', { ticket: { requester_id: { id: 1 } }, users: [] }],
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
    const customer = parseZendeskTicket(body, '7');
    expect(customer).toBeDefined();
    expect(customer?.email).toBeUndefined();
  });

  it('accepts a string requester id and never returns the Zendesk user id', () => {
    const customer = parseZendeskTicket(
      { ticket: { requester_id: '7' }, users: [{ id: 7, email: ' Jane@Example.com ', name: 'Jane' }] },
      '9',
    );
    expect(customer).toEqual({
      helpdesk: 'zendesk',
      ticketId: '9',
      name: 'Jane',
      email: 'Jane@Example.com',
      source: 'api',
    });
  });
});

describe('zendeskFromApi', () => {
  const reply =
    (status: number, body: unknown): GetJson =>
    async () => ({ status, body });

  it('found: the requester', async () => {
    const paths: string[] = [];
    const outcome = await zendeskFromApi('101', async (path) => {
      paths.push(path);
      return { status: 200, body: zendeskTicketJson(ticket(101)) };
    });
    expect(paths).toEqual(['/api/v2/tickets/101.json?include=users']);
    expect(outcome).toMatchObject({ kind: 'found', customer: { email: JANE.email } });
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

describe('zendeskFromPage (the profile card of the active pane)', () => {
  it.each(Object.values(ZENDESK_TICKETS).map((t) => [t.id, t.requester.email] as const))(
    'ticket %s among mounted tabs → %s',
    (id, email) => {
      const doc = agentPage(`/agent/tickets/${id}`);
      // Other tickets' panes are mounted too (hidden): only this one's is read.
      expect(doc.querySelectorAll('[data-side-conversations-anchor-id]').length).toBeGreaterThanOrEqual(
        OPEN_TABS.length,
      );
      expect(readPage(doc, String(id))?.email).toBe(email ?? undefined);
    },
    BIG_PAGE_MS,
  );

  it('reads the name and says the page was the source', () => {
    const doc = parseHtml(zendeskAgentPage('/agent/tickets/102'));
    expect(readPage(doc, '102')).toEqual({
      helpdesk: 'zendesk',
      ticketId: '102',
      name: BOB.name,
      email: BOB.email,
      source: 'page',
    });
  });

  it('never takes a comment that imitates the profile card (ticket 101 has one, before the real card)', () => {
    const doc = parseHtml(zendeskAgentPage('/agent/tickets/101'));
    const pane = doc.querySelector('[data-side-conversations-anchor-id="101"]');
    const fake = pane?.querySelector('[data-test-id="omni-log-container"] [data-test-id="customer-context-email"]');
    expect(fake?.textContent).toBe(BOB.email);
    expect(readPage(doc, '101')?.email).toBe(JANE.email);
    // Without the real card, still not the comment's.
    pane?.querySelector('aside[data-test-id="customer-context-pane"]')?.remove();
    expect(readPage(doc, '101')?.email).toBeUndefined();
  });

  it('a requester field showing "Name <email>" is enough when the card is missing', () => {
    const doc = parseHtml(
      `<div data-side-conversations-anchor-id="5"><div data-test-id="ticket-system-field-requester-select">Jane Doe &lt;jane@example.com&gt;</div></div>`,
    );
    expect(readPage(doc, '5')?.email).toBe('jane@example.com');
  });

  it.each([
    ['no pane for the ticket', zendeskPaneHtml(ticket(102), true), '999'],
    ['a pane without card or requester field', '<div data-side-conversations-anchor-id="5"><p>x@y.co</p></div>', '5'],
    ['an empty document', '', '5'],
  ])('%s → undefined', (_name, html, id) => {
    expect(readPage(parseHtml(html), id)).toBeUndefined();
  });

  it(
    'reads pages of 5,000 comments',
    () => {
      const doc = agentPage('/agent/tickets/107');
      expect(doc.querySelectorAll('[data-side-conversations-anchor-id="107"] article').length).toBe(5001);
      expect(readPage(doc, '107')?.email).toBe(BOB.email);
    },
    BIG_PAGE_MS,
  );
});

describe('zendesk.anchor', () => {
  it('is the requester field of the active pane, not of a hidden one', () => {
    const doc = parseHtml(zendeskAgentPage('/agent/tickets/104'));
    const anchor = anchorOf(doc, '104');
    expect(anchor?.getAttribute('data-test-id')).toBe('ticket-system-field-requester-select');
    expect(
      anchor?.closest('[data-side-conversations-anchor-id]')?.getAttribute('data-side-conversations-anchor-id'),
    ).toBe('104');
  });

  it('is undefined while the pane is not rendered', () => {
    expect(anchorOf(parseHtml(zendeskAgentPage('/agent/dashboard')), '104')).toBeUndefined();
  });
});
