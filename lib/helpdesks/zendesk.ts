/**
 * Zendesk agent workspace: `https://{sub}.zendesk.com/agent/tickets/{id}`.
 * Requester, in layers that each hand over to the next: `GET /api/v2/tickets/{id}.json?include=users`
 * (the agent's session), then `GET /api/v2/users/{requester_id}.json` when the side-loaded user
 * came without an email; then the customer panel of that ticket's own layout. Never a comment.
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

export function zendeskUserPath(userId: string): string {
  return `/api/v2/users/${userId}.json`;
}

/** How a requester's name is compared with the requester field's text. */
function nameMark(name: string | undefined): string | undefined {
  const mark = name?.replace(/\s+/g, ' ').trim();
  return mark || undefined;
}

/** The requester (`ticket.requester_id` among `users`) of a ticket JSON; undefined if it isn't one. */
export function parseZendeskTicket(
  body: unknown,
  ticketId: string,
): { customer: DetectedCustomer; requesterId: string } | undefined {
  const ticket = record(record(body)?.ticket);
  const requesterId = stringOf(ticket?.requester_id, 20);
  if (!ticket || !requesterId || !/^\d+$/.test(requesterId)) return undefined;
  const users = record(body)?.users;
  const requester = Array.isArray(users)
    ? users.map(record).find((u) => u !== undefined && String(u.id) === requesterId)
    : undefined;
  const email = typeof requester?.email === 'string' ? normalizeEmail(requester.email) : undefined;
  return {
    customer: { helpdesk: 'zendesk', ticketId, name: stringOf(requester?.name, 200), email, source: 'api' },
    requesterId,
  };
}

/** Side-loaded users may be partial: the user's own record, for the email. */
async function withUserEmail(customer: DetectedCustomer, userId: string, getJson: GetJson): Promise<void> {
  try {
    const { status, body } = await getJson(zendeskUserPath(userId));
    const user = status === 200 ? record(record(body)?.user) : undefined;
    if (!user || String(user.id) !== userId) return;
    const email = typeof user.email === 'string' ? normalizeEmail(user.email) : undefined;
    if (email) customer.email = email;
    customer.name ??= stringOf(user.name, 200);
  } catch {
    // The ticket's answer stands: a requester without an email.
  }
}

export async function zendeskFromApi(ticketId: string, getJson: GetJson): Promise<ApiOutcome> {
  try {
    const { status, body } = await getJson(zendeskApiPath(ticketId));
    const parsed = status === 200 ? parseZendeskTicket(body, ticketId) : undefined;
    if (!parsed) return { kind: 'refused', status };
    const { customer, requesterId } = parsed;
    if (!customer.email) await withUserEmail(customer, requesterId, getJson);
    return { kind: 'found', customer, mark: nameMark(customer.name) };
  } catch {
    return { kind: 'refused', status: 0 };
  }
}

/** The ticket's own grid layout: by its test id, else up from its side-conversations element. */
export function zendeskLayout(doc: Document, ticketId: string): Element | undefined {
  return (
    doc.querySelector(S.ticketLayout.css(ticketId)) ??
    doc.querySelector(S.conversationAnchor.css(ticketId))?.closest(S.gridLayout.css) ??
    undefined
  );
}

/**
 * The first match in the layout's columns other than the conversation's, so a 5,000-comment
 * thread is never walked; in an unexpected structure, the first match outside the conversation.
 */
function outsideConversation(root: Element, selector: string): Element | undefined {
  let columns = 0;
  for (const column of root.children) {
    if (!column.matches(S.column.css)) continue;
    columns++;
    if (column.querySelector(S.conversation.css)) continue;
    const found = column.querySelector(selector);
    if (found) return found;
  }
  return columns > 0 ? undefined : firstOutside(root, selector, S.conversation.css);
}

function requesterField(root: Element): Element | undefined {
  return outsideConversation(root, S.requesterField.css);
}

/** The requester's name as the field shows it. */
export function zendeskRequesterName(root: Element): string | undefined {
  const field = requesterField(root);
  return nameMark(textOf(field?.querySelector(S.requesterName.css) ?? field));
}

/** The customer panel's pane (rendered only while its tab is open), never the conversation's. */
function customerPanel(root: Element): Element | undefined {
  const pane = outsideConversation(root, S.customerContext.css)?.closest(S.pane.css);
  return pane && !pane.querySelector(S.conversation.css) ? pane : undefined;
}

export function zendeskFromPage(root: Element, ticketId: string): DetectedCustomer | undefined {
  const email = emailIn(customerPanel(root), S.mailto.css);
  if (!email) return undefined;
  const name = zendeskRequesterName(root);
  return { helpdesk: 'zendesk', ticketId, name: name === email ? undefined : name, email, source: 'page' };
}

export function zendeskComposer(root: Element): HTMLElement | undefined {
  const found = root.querySelector(S.composer.css);
  return found instanceof HTMLElement ? found : undefined;
}

/** The reply's To as the ticket's composer region shows it (its avatar's `alt`). */
export function zendeskRecipient(root: Element): string | undefined {
  return normalizeEmail(root.querySelector(S.recipient.css)?.getAttribute('alt') ?? '');
}

export const zendesk: Helpdesk = {
  id: 'zendesk',
  ticketIdFromUrl: zendeskTicketId,
  fromApi: zendeskFromApi,
  ticketRoot: zendeskLayout,
  panelClosed: (root) => !customerPanel(root),
  fromPage: zendeskFromPage,
  scopedByTicket: true,
  anchor: requesterField,
  requesterMark: zendeskRequesterName,
  composer: zendeskComposer,
  recipient: zendeskRecipient,
};
