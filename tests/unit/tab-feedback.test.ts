import { describe, expect, it, vi } from 'vitest';
import {
  type Badge,
  badgeFor,
  type Feedback,
  type FeedbackDeps,
  feedbackFor,
  type Outcome,
  reportOutcome,
} from '../../lib/background/tab-feedback';
import type { ErrorInfo } from '../../lib/shared/errors';
import { formatExpiry } from '../../lib/shared/expiry';
import { NOW } from './helpers';

const copied: Outcome = {
  ok: true,
  result: {
    url: 'https://acme.myshopify.com/p?token=t',
    expiresAt: NOW + 2 * 3600_000,
    cached: false,
    customer: 'jane@example.com',
  },
};
const error: ErrorInfo = { code: 'key-rejected', message: 'Appstle rejected the API key. Check the key in Settings.' };
const failed: Outcome = { ok: false, error };

/** `shows`: our content script answered (a helpdesk tab); `rejects`: nothing listens there (any other page). */
function fakeDeps(toast: 'shows' | 'rejects' | 'false') {
  const toasts: { tabId: number; toast: Feedback }[] = [];
  const badges: { tabId: number | undefined; badge: Badge }[] = [];
  const notes: string[] = [];
  const deps = {
    showInPage: vi.fn(async (tabId: number, t: Feedback) => {
      if (toast === 'rejects') throw new Error('Could not establish connection. Receiving end does not exist.');
      toasts.push({ tabId, toast: t });
      return toast === 'shows';
    }),
    setBadge: vi.fn(async (tabId: number | undefined, badge: Badge) => {
      badges.push({ tabId, badge });
    }),
    notify: vi.fn(async (message: string) => {
      notes.push(message);
    }),
    now: () => NOW,
  } satisfies FeedbackDeps;
  return { deps, toasts, badges, notes };
}

describe('feedbackFor / badgeFor', () => {
  it('a lasting link (team relay): "works until 14 Dec", the day its relay page stops working', () => {
    const lasting: Outcome = {
      ok: true,
      result: {
        ...(copied.ok ? copied.result : ({} as never)),
        expiresAt: new Date(2026, 11, 14, 20, 9).getTime(),
        lasting: true,
      },
    };
    expect(feedbackFor(lasting, NOW).text).toBe('Portal link for jane@example.com copied · works until 14 Dec');
  });

  it('success: the contract wording with the real expiry, never the link', () => {
    const toast = feedbackFor(copied, NOW);
    expect(toast).toEqual({
      role: 'status',
      text: `Portal link for jane@example.com copied · ${formatExpiry(NOW + 2 * 3600_000, NOW)}`,
    });
    expect(toast.text).toMatch(
      /^Portal link for jane@example\.com copied · expires (\d{1,2} [A-Z][a-z]{2} )?\d{2}:\d{2}$/,
    );
    expect(toast.text).not.toContain('https://');
    expect(badgeFor(copied, NOW)).toEqual({ text: '✓', color: '#2b8a3e', title: toast.text });
  });

  it('failure: the error message as an alert', () => {
    expect(feedbackFor(failed)).toEqual({ role: 'alert', text: error.message });
    expect(badgeFor(failed)).toEqual({ text: '!', color: '#c92a2a', title: error.message });
  });
});

describe('reportOutcome', () => {
  it.each<[string, Outcome]>([
    ['success', copied],
    ['failure', failed],
  ])('%s on a helpdesk tab: our content script’s toast; the badge is cleared, no notification', async (_l, outcome) => {
    const { deps, toasts, badges, notes } = fakeDeps('shows');
    expect(await reportOutcome(outcome, 7, deps)).toBe('page');
    expect(toasts).toEqual([{ tabId: 7, toast: feedbackFor(outcome, NOW) }]);
    expect(badges).toEqual([{ tabId: 7, badge: { text: '', color: '#2b8a3e', title: 'Portal Link' } }]);
    expect(notes).toEqual([]);
  });

  it.each(['rejects', 'false'] as const)(
    'success where no content script shows it (%s) → the ✓ badge, its title and a notification name the customer',
    async (mode) => {
      const { deps, badges, notes } = fakeDeps(mode);
      expect(await reportOutcome(copied, 7, deps)).toBe('badge+notification');
      expect(badges).toEqual([{ tabId: 7, badge: badgeFor(copied, NOW) }]);
      expect(notes).toEqual([feedbackFor(copied, NOW).text]);
      expect(notes[0]).toMatch(/^Portal link for jane@example\.com copied/);
    },
  );

  it.each(['rejects', 'false'] as const)(
    'failure where the toast %s → the ! badge and a notification',
    async (mode) => {
      const { deps, badges, notes } = fakeDeps(mode);
      expect(await reportOutcome(failed, 7, deps)).toBe('badge+notification');
      expect(badges).toEqual([{ tabId: 7, badge: badgeFor(failed) }]);
      expect(notes).toEqual([error.message]);
    },
  );

  it.each([undefined, -1])('no tab (%s): no toast attempt, a global badge', async (tabId) => {
    const { deps, badges } = fakeDeps('shows');
    expect(await reportOutcome(failed, tabId, deps)).toBe('badge+notification');
    expect(deps.showInPage).not.toHaveBeenCalled();
    expect(badges).toEqual([{ tabId: undefined, badge: badgeFor(failed) }]);
  });

  it('a failing badge or notification API never throws out of the report', async () => {
    const { deps } = fakeDeps('rejects');
    deps.setBadge.mockRejectedValue(new Error('No tab with id: 7'));
    deps.notify.mockRejectedValue(new Error('notifications unavailable'));
    await expect(reportOutcome(failed, 7, deps)).resolves.toBe('badge+notification');
  });
});
