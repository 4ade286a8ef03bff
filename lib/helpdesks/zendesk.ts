/**
 * Zendesk agent workspace: `https://{sub}.zendesk.com/agent/tickets/{id}`.
 * Requester from `GET /api/v2/tickets/{id}.json?include=users` (the agent's session), else from the
 * requester's profile card in that ticket's pane. Never from a comment.
 */
import { normalizeEmail } from '../shared/customer';
import { emailIn, firstOutside, record, stringOf, textOf } from './page';
import { zendeskSelectors as S } from './selectors';
import type { ApiOutcome, DetectedCustomer, GetJson, Helpdesk } from './types';

const TICKET_PATH = /^\/agent\/tickets\/(\d{1,15})(?:\/|$)/;

export function zendeskTicketId(url: URL): string | undefined {
  return TICKET_PATH.exec(url.pathname)?.[1];
}

export function zendeskApiPath(ticketId: string): string {
  return `/api/v2/tickets/${ticketId}.json?include=users`;
}

/** The requester (`ticket.requester_id` among `users`) of a ticket JSON; undefined if it isn't one. */
export function parseZendeskTicket(body: unknown, ticketId: string): DetectedCustomer | undefined {
  const ticket = record(record(body)?.ticket);
  const requesterId = ticket?.requester_id;
  if (!ticket || (typeof requesterId !== 'number' && typeof requesterId !== 'string')) return undefined;
  const users = record(body)?.users;
  const requester = Array.isArray(users)
    ? users.map(record).find((u) => u !== undefined && String(u.id) === String(requesterId))
    : undefined;
  const email = typeof requester?.email === 'string' ? normalizeEmail(requester.email) : undefined;
  return {
    helpdesk: 'zendesk',
    ticketId,
    name: stringOf(requester?.name, 200),
    email,
    source: 'api',
  };
}

export function zendeskPane(doc: Document, ticketId: string): Element | undefined {
  return doc.querySelector(S.ticketPane(ticketId)) ?? undefined;
}

/** A field of the pane, never one inside the conversation (a comment's HTML may imitate the page). */
function field(root: Element, selector: string): Element | undefined {
  return firstOutside(root, selector, S.conversation);
}

export function zendeskFromPage(root: Element, ticketId: string): DetectedCustomer | undefined {
  const card = field(root, S.customerContext);
  const requester = field(root, S.requesterField);
  const email = emailIn(card?.querySelector(S.customerEmail)) ?? emailIn(requester);
  if (!email) return undefined;
  const name = textOf(card?.querySelector(S.customerName)) ?? textOf(requester);
  return { helpdesk: 'zendesk', ticketId, name: name === email ? undefined : name, email, source: 'page' };
}

export async function zendeskFromApi(ticketId: string, getJson: GetJson): Promise<ApiOutcome> {
  try {
    const { status, body } = await getJson(zendeskApiPath(ticketId));
    const customer = status === 200 ? parseZendeskTicket(body, ticketId) : undefined;
    return customer ? { kind: 'found', customer } : { kind: 'refused', status };
  } catch {
    return { kind: 'refused', status: 0 };
  }
}

export const zendesk: Helpdesk = {
  id: 'zendesk',
  ticketIdFromUrl: zendeskTicketId,
  fromApi: zendeskFromApi,
  ticketRoot: zendeskPane,
  fromPage: zendeskFromPage,
  anchor: (root) => field(root, S.requesterField),
};
