/**
 * Telling the agent how a copy they started outside our pages (context menu) went: a toast in the
 * tab when a script can be injected there, else the toolbar badge (✓ / !) on that tab and, for
 * errors, a system notification. Browser calls are passed in, so the choice is testable.
 */
import type { ErrorInfo } from '../shared/errors';
import { formatLifetime } from '../shared/expiry';
import { t } from '../shared/i18n';
import type { CopyResult, EmailResult } from '../shared/protocol';
import type { PageToast } from './page-toast';

export type Outcome = { ok: true; result: CopyResult | EmailResult } | { ok: false; error: ErrorInfo };

export interface Badge {
  text: '✓' | '!' | '';
  color: string;
  title: string;
}

export interface FeedbackDeps {
  /** Injects the toast; rejects (or resolves false) where no script may run: chrome:// pages, PDFs, the store. */
  showToast(tabId: number, toast: PageToast): Promise<boolean>;
  setBadge(tabId: number | undefined, badge: Badge): Promise<void>;
  notify(message: string): Promise<void>;
  now?(): number;
}

export type FeedbackChannel = 'toast' | 'badge' | 'badge+notification';

/** What a success says; it names the customer (the address actually used, whatever a mailto: link showed). */
export function confirmation(result: CopyResult | EmailResult, now: number = Date.now()): string {
  return 'to' in result
    ? t('emailedToast', [result.to])
    : t('copiedToast', [result.customer, formatLifetime(result, now)]);
}

export function toastFor(outcome: Outcome, now: number = Date.now()): PageToast {
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
  const toast = toastFor(outcome, deps.now?.());
  // Tab ids are >= 0; -1 (TAB_ID_NONE) is a click outside any tab.
  if (tabId !== undefined && tabId >= 0) {
    const shown = await deps.showToast(tabId, toast).catch(() => false);
    if (shown) {
      await deps.setBadge(tabId, clear()).catch(() => undefined); // an older "!" would now be wrong
      return 'toast';
    }
  }
  await deps
    .setBadge(tabId !== undefined && tabId >= 0 ? tabId : undefined, badgeFor(outcome, deps.now?.()))
    .catch(() => undefined);
  if (outcome.ok) return 'badge';
  await deps.notify(outcome.error.message).catch(() => undefined);
  return 'badge+notification';
}
