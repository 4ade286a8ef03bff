/**
 * What the agent can do on a ticket: copy, email, insert. One action at a time, with the button
 * busy; each action belongs to the ticket it was started on (captured at the click), and says what
 * happened in the page's toast (repeated to the popup).
 */
import { COPY_MEASURE, hasLookup, toCustomerRef } from '../helpdesks/detected';
import type { DetectedCustomer } from '../helpdesks/types';
import { requestCopy } from '../shared/copy-here';
import { PortalLinkError } from '../shared/error-codes';
import { errorInfo } from '../shared/errors';
import { formatLifetime } from '../shared/expiry';
import { t } from '../shared/i18n';
import type { Send } from '../shared/messaging-client';
import type { CustomerDetector } from './detect-customer';
import type { Ticket, TicketFollower } from './follow-ticket';
import type { InlineUi } from './ui';

/** What the agent is told, kept for the popup to repeat after a `copy-detected-link` / `insert-detected-link`. */
export interface Feedback {
  alert(error: PortalLinkError | string): false;
  status(text: string): true;
  /** Said without a toast (the agent cancelled in a dialog). */
  quiet(text: string): false;
  said(): string;
  clear(): void;
}

export function feedback(ui: InlineUi): Feedback {
  let said = '';
  return {
    alert(error) {
      said = typeof error === 'string' ? error : errorInfo(error).message;
      ui.toast('alert', said);
      return false;
    },
    status(text) {
      said = text;
      ui.toast('status', text);
      return true;
    },
    quiet(text) {
      said = text;
      return false;
    },
    said: () => said,
    clear() {
      said = '';
      ui.clearToast();
    },
  };
}

export interface ActionDeps {
  ui: InlineUi;
  send: Send;
  signal: AbortSignal;
  /** True (and everything taken away) when an update orphaned this script. */
  orphaned(): boolean;
  tickets: TicketFollower;
  detector: CustomerDetector;
  say: Feedback;
  doc: Document;
}

/** An action bound to its ticket. */
export type Action = (ticket: Ticket) => Promise<boolean>;

/** Runs one action at a time on the ticket on screen now; the button is busy meanwhile. */
export function actionRunner({ ui, signal, orphaned, tickets, say }: ActionDeps) {
  let busy = false;
  return async function run(action: Action): Promise<boolean> {
    if (busy || signal.aborted || orphaned()) return false;
    const ticket = tickets.current(); // the action belongs to this ticket, whatever the page does next
    busy = true;
    ui.setBusy(true);
    say.clear();
    try {
      if (!ticket) return say.alert(new PortalLinkError('no-customer'));
      return await action(ticket);
    } finally {
      busy = false;
      ui.setBusy(false);
    }
  };
}

/** The ticket's requester, or the no-customer alert. */
export async function customerOf(
  deps: Pick<ActionDeps, 'detector' | 'say'>,
  ticket: Ticket,
): Promise<DetectedCustomer | false> {
  const found = await deps.detector.customer(ticket);
  // The words resolved where the error is made (the insert runs in the on-demand module: its
  // PortalLinkError is not the content script's class).
  return hasLookup(found) ? found : deps.say.alert(errorInfo(new PortalLinkError('no-customer')).message);
}

/** Copies the ticket's requester's link (the clipboard written here when the click still counts). */
export function copyAction(deps: ActionDeps): Action {
  return async (ticket) => {
    const started = performance.now();
    const found = await customerOf(deps, ticket);
    if (!found) return false;
    const reply = await requestCopy(deps.send, { customer: toCustomerRef(found) }, deps.doc);
    if (deps.signal.aborted) return false;
    if (!reply.ok) return deps.say.alert(reply.error.message);
    deps.ui.done(t('content.copied'));
    const shown = deps.say.status(t('copiedToast', [reply.customer, formatLifetime(reply)]));
    performance.clearMeasures(COPY_MEASURE);
    performance.measure(COPY_MEASURE, {
      start: started,
      detail: { cached: reply.cached, providerMs: reply.providerMs ?? 0 },
    });
    return shown;
  };
}

/** Has the provider email the ticket's requester their link. */
export function emailAction(deps: ActionDeps): Action {
  return async (ticket) => {
    const found = await customerOf(deps, ticket);
    if (!found) return false;
    const reply = await deps.send('email-link', { customer: toCustomerRef(found) });
    if (deps.signal.aborted) return false;
    if (!reply.ok) return deps.say.alert(reply.error.message);
    deps.ui.done(t('content.emailed'));
    return deps.say.status(t('emailedToast', [reply.to]));
  };
}
