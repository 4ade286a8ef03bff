/**
 * "Insert into reply", bound to the ticket it was started on: that ticket's composer is found at the
 * click, its requester is the customer, and if the agent has moved to another ticket (or the
 * composer went away) before the link is in, nothing is inserted anywhere and the agent is told.
 * Before a link is minted: the reply's recipient, where the page shows it, must be the customer
 * (else the agent confirms), and a helpdesk account no store lists must be accepted once.
 */
import { toCustomerRef } from '../helpdesks/detected';
import type { Helpdesk } from '../helpdesks/types';
import { type ErrorCode, PortalLinkError } from '../shared/error-codes';
import { errorInfo } from '../shared/errors';
import { t } from '../shared/i18n';
import type { PopupGrant } from '../shared/protocol';
import { type ActionDeps, customerOf } from './actions';
import { askInPage } from './dialog';
import type { Ticket, TicketView } from './follow-ticket';
import { type ComposerBridge, composerBridge, isEditable } from './insert-bridge';

/** The Performance-timeline entry of the last insert: from the agent's click to the link shown in the editor. */
export const INSERT_MEASURE = 'portal-link:insert';

/** A question for the agent in a `role="alertdialog"`: true when they chose `confirm`, false on Cancel. */
export type Confirm = (question: { text: string; confirm: string }) => Promise<boolean>;

export interface InsertDeps extends ActionDeps {
  helpdesk: Helpdesk;
  view: TicketView;
  /** Hands the link to the page-world script (default: insert-bridge.ts's, made on the first insert). */
  bridge?: ComposerBridge;
  /** Asks the agent (default: the alertdialog of dialog.ts). */
  confirm?: Confirm;
}

/**
 * Inserts into a ticket's reply: its requester's link, or the link the popup granted (`given`: the
 * store the agent picked and a customer typed there).
 */
export type InsertAction = (ticket: Ticket, given?: PopupGrant) => Promise<boolean>;

/** Loaded on demand with the rest of the in-page UI (on-demand.ts): only an insert needs it. */
export function insertAction(deps: InsertDeps): InsertAction {
  const { helpdesk, view, tickets, say, send, signal } = deps;
  // Words resolved here: this module is loaded on its own, so its PortalLinkError is not the content
  // script's (an `instanceof` there would fail).
  const fail = (code: ErrorCode) => say.alert(errorInfo(new PortalLinkError(code)).message);
  const confirm: Confirm = deps.confirm ?? ((question) => askInPage(deps.doc, question));
  // Made once, at the first insert (it injects the page-world script then).
  let bridge = deps.bridge;
  return async (ticket: Ticket, given?: PopupGrant) => {
    const started = performance.now();
    // The popup's grant is for the ticket the popup showed when the agent clicked, nowhere else.
    if (given && given.ticketId !== ticket.id) return fail('ticket-changed');
    // The ticket's own composer, now: checked before a link is minted for nothing.
    const root = view.shownRoot(ticket);
    const composer = root && helpdesk.composer(root);
    if (!root || !composer) return fail('no-composer');
    if (!isEditable(composer)) return fail('composer-read-only');
    const stillHere = () => tickets.current() === ticket && composer.isConnected && view.shownRoot(ticket) === root;

    const found = given ? undefined : await customerOf(deps, ticket);
    if (!given && !found) return false;
    if (!stillHere()) return fail('ticket-changed');
    const recipient = helpdesk.recipient(root);
    const forEmail = found ? found.email : given?.customer.includes('@') ? given.customer.toLowerCase() : undefined;
    if (recipient && forEmail && recipient !== forEmail) {
      const text = t('content.recipientDiffers', [recipient, forEmail]);
      if (!(await confirm({ text, confirm: t('content.insertAnyway') })))
        return say.quiet(t('content.nothingInserted'));
    }

    // The popup's grant: the background mints what the popup chose, once this host passes its checks.
    const request = found ? { customer: toCustomerRef(found) } : { customer: {}, grant: given?.grant };
    let reply = await send('get-link', request);
    if (!reply.ok && reply.error.code === 'host-unlisted') {
      const text = t('content.hostUnlisted', [location.hostname]);
      if (!(await confirm({ text, confirm: t('content.useStoreHere') })))
        return say.quiet(t('content.nothingInserted'));
      const added = await send('add-helpdesk-host');
      reply = added.ok ? await send('get-link', request) : added;
    }
    if (signal.aborted) return false;
    if (!reply.ok) return say.alert(reply.error);
    if (!stillHere()) return fail('ticket-changed');

    bridge ??= composerBridge();
    const outcome = await bridge.insert(composer, reply.url);
    if (outcome === 'read-only') return fail('composer-read-only');
    if (outcome !== 'inserted') return fail('insert-failed');
    performance.clearMeasures(INSERT_MEASURE);
    performance.measure(INSERT_MEASURE, { start: started, detail: { helpdesk: helpdesk.id } });
    deps.ui.done(t('content.inserted'));
    return say.status(t('insertedToast', [reply.customer]));
  };
}
