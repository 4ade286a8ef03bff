/**
 * What the agent can do on a ticket: copy, email, insert. One action at a time, with the button
 * busy; each action belongs to the ticket it was started on (captured at the click), and says what
 * happened in the page's toast (repeated to the popup).
 */
import { COPY_MEASURE, hasLookup, toCustomerRef } from '../helpdesks/detected';
import type { DetectedCustomer } from '../helpdesks/types';
import { requestCopy } from '../shared/copy-here';
import { PortalLinkError } from '../shared/error-codes';
import type { ErrorInfo } from '../shared/errors';
import { formatLifetime } from '../shared/expiry';
import { t } from '../shared/i18n';
import type { Send } from '../shared/messaging-client';
import type { CustomerDetector } from './detect-customer';
import type { Ticket, TicketFollower } from './follow-ticket';
import type { InlineUi } from './ui';
import { noLookup, settingsWayOut } from './ways-out';

/** How long "Sending the portal link to jane@…  · Undo" waits before the provider is asked to email. */
export const EMAIL_UNDO_MS = 5_000;

/** What the agent is told, kept for the popup to repeat after a `copy-detected-link` / `insert-detected-link`. */
export interface Feedback {
  /** An error's words come with the on-demand module (lib/shared/errors.ts lives there, not here). */
  alert(error: PortalLinkError | ErrorInfo | string): false;
  status(text: string): true;
  /** Said without a toast (the agent cancelled in a dialog). */
  quiet(text: string): false;
  /** The last words, once the toast showing them has them. */
  said(): Promise<string>;
  clear(): void;
}

/** `openSettings`: the way out of the errors the settings page fixes (lib/content/ways-out.ts). */
export function feedback(ui: InlineUi, openSettings: () => void): Feedback {
  let said = '';
  let saying: Promise<unknown> = Promise.resolve();
  return {
    alert(error) {
      said = typeof error === 'string' ? error : error instanceof Error ? '' : error.message;
      saying = ui.toast('alert', error, settingsWayOut(error, openSettings)).then((text) => {
        said = text || said;
      });
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
    said: () => saying.then(() => said),
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
  /** Whether the ticket's customer panel is closed (opening it would let the page tell the requester). */
  panelClosed(ticket: Ticket): boolean;
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

/** The ticket's requester, or one true sentence on why it can't be looked up (ways-out.ts). */
export async function customerOf(
  deps: Pick<ActionDeps, 'detector' | 'say' | 'panelClosed'>,
  ticket: Ticket,
): Promise<DetectedCustomer | false> {
  const found = await deps.detector.customer(ticket);
  if (hasLookup(found)) return found;
  return deps.say.alert(noLookup(found, ticket.detection.outcome, deps.panelClosed(ticket)));
}

/** Copies the ticket's requester's link (the clipboard written here when the click still counts). */
export function copyAction(deps: ActionDeps): Action {
  return async (ticket) => {
    const started = performance.now();
    const found = await customerOf(deps, ticket);
    if (!found) return false;
    const reply = await requestCopy(deps.send, { customer: toCustomerRef(found) }, deps.doc);
    if (deps.signal.aborted) return false;
    if (!reply.ok) return deps.say.alert(reply.error);
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
    // Mail goes out on one click: a few seconds to take it back first, then one request, never retried.
    const to = found.email ?? found.name ?? found.shopify?.[0]?.id ?? '';
    if (!(await deps.ui.countdown(t('content.sending', [to]), EMAIL_UNDO_MS))) return false;
    if (deps.signal.aborted || deps.orphaned()) return false;
    const reply = await deps.send('email-link', { customer: toCustomerRef(found) });
    if (deps.signal.aborted) return false;
    if (!reply.ok) return deps.say.alert(reply.error);
    deps.ui.done(t('content.emailed'));
    return deps.say.status(t('emailedToast', [reply.to]));
  };
}
