/**
 * Telling the agent how a copy they started outside our pages (context menu) went, where the page
 * can't rewrite it: on a helpdesk tab, our content script's own toast (asked by a tab message);
 * anywhere else, the extension's own surfaces: the toolbar badge (✓ / !) and its title on that tab,
 * and a system notification. Never a toast injected into the page: the page could rewrite it (name
 * another address than the one used, undoing the mailto: protection). Browser calls are passed in,
 * so the choice is testable.
 */
import type { ErrorInfo } from '../shared/errors';
import { formatLifetime } from '../shared/expiry';
import { t } from '../shared/i18n';
import type { CopyResult, EmailResult } from '../shared/protocol';

/** What the agent is told: our own words, never page data. */
export interface Feedback {
  text: string;
  role: 'status' | 'alert';
}

export type Outcome = { ok: true; result: CopyResult | EmailResult } | { ok: false; error: ErrorInfo };

export interface Badge {
  text: '✓' | '!' | '';
  color: string;
  title: string;
}

export interface FeedbackDeps {
  /** Asks our content script in the tab to show it; false (or rejects) where none runs: any page but a helpdesk's. */
  showInPage(tabId: number, feedback: Feedback): Promise<boolean>;
  setBadge(tabId: number | undefined, badge: Badge): Promise<void>;
  notify(message: string): Promise<void>;
  now?(): number;
}

export type FeedbackChannel = 'page' | 'badge+notification';

/** What a success says; it names the customer (the address actually used, whatever a mailto: link showed). */
export function confirmation(result: CopyResult | EmailResult, now: number = Date.now()): string {
  return 'to' in result
    ? t('emailedToast', [result.to])
    : t('copiedToast', [result.customer, formatLifetime(result, now)]);
}

export function feedbackFor(outcome: Outcome, now: number = Date.now()): Feedback {
  return outcome.ok
    ? { role: 'status', text: confirmation(outcome.result, now) }
    : { role: 'alert', text: outcome.error.message };
}

export function badgeFor(outcome: Outcome, now: number = Date.now()): Badge {
  return outcome.ok
    ? { text: '✓', color: '#2b8a3e', title: confirmation(outcome.result, now) }
    : { text: '!', color: '#c92a2a', title: outcome.error.message };
}

const clear = (): Badge => ({ text: '', color: '#2b8a3e', title: t('extName') });

export async function reportOutcome(
  outcome: Outcome,
  tabId: number | undefined,
  deps: FeedbackDeps,
): Promise<FeedbackChannel> {
  const feedback = feedbackFor(outcome, deps.now?.());
  // Tab ids are >= 0; -1 (TAB_ID_NONE) is a click outside any tab.
  const tab = tabId !== undefined && tabId >= 0 ? tabId : undefined;
  if (tab !== undefined && (await deps.showInPage(tab, feedback).catch(() => false))) {
    await deps.setBadge(tab, clear()).catch(() => undefined); // an older "!" would now be wrong
    return 'page';
  }
  await deps.setBadge(tab, badgeFor(outcome, deps.now?.())).catch(() => undefined);
  await deps.notify(feedback.text).catch(() => undefined);
  return 'badge+notification';
}
