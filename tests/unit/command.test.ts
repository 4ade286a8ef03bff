import { describe, expect, it, vi } from 'vitest';
import { type CommandDeps, handleCommand } from '../../lib/background/command';

function deps(overrides: Partial<CommandDeps> = {}) {
  const d = {
    activeTab: vi.fn(async () => ({ id: 7 })),
    sendToTab: vi.fn(async () => ({ handled: true, ok: true }) as unknown),
    report: vi.fn(async () => undefined),
    ...overrides,
  };
  return d;
}

describe('handleCommand (the keyboard shortcut)', () => {
  it('asks the tab’s content script to copy; it shows the toast, so no badge', async () => {
    const d = deps();
    expect(await handleCommand('copy-portal-link', { id: 3 }, d)).toEqual({ ok: true, shownInPage: true });
    expect(d.sendToTab).toHaveBeenCalledWith(3, 'copy-detected-link');
    expect(d.activeTab).not.toHaveBeenCalled();
    expect(d.report).not.toHaveBeenCalled();
  });

  it('a failure the page already showed (no customer, provider error) is not repeated on the badge', async () => {
    const d = deps({ sendToTab: vi.fn(async () => ({ handled: true, ok: false })) });
    expect(await handleCommand('copy-portal-link', { id: 3 }, d)).toEqual({ ok: false, shownInPage: true });
    expect(d.report).not.toHaveBeenCalled();
  });

  it.each<[string, Partial<CommandDeps>]>([
    [
      'no content script in the tab',
      { sendToTab: vi.fn(async () => Promise.reject(new Error('Receiving end does not exist'))) },
    ],
    ['an unexpected reply', { sendToTab: vi.fn(async () => ({ handled: 'yes' })) }],
    ['no reply', { sendToTab: vi.fn(async () => undefined) }],
  ])('%s → "No customer detected on this page" on the badge', async (_name, overrides) => {
    const d = deps(overrides);
    const outcome = await handleCommand('copy-portal-link', { id: 3 }, d);
    expect(outcome).toMatchObject({ ok: false, shownInPage: false, error: { code: 'no-customer' } });
    expect(d.report).toHaveBeenCalledWith(3, {
      ok: false,
      error: expect.objectContaining({ message: expect.stringMatching(/^No customer detected on this page/) }),
    });
  });

  it('without a tab from the browser, uses the active tab', async () => {
    const d = deps();
    await handleCommand('copy-portal-link', undefined, d);
    expect(d.sendToTab).toHaveBeenCalledWith(7, 'copy-detected-link');
    await handleCommand('copy-portal-link', { id: -1 }, d);
    expect(d.activeTab).toHaveBeenCalledTimes(2);
  });

  it('no tab at all → badge without a tab', async () => {
    const d = deps({ activeTab: vi.fn(async () => undefined) });
    expect(await handleCommand('copy-portal-link', undefined, d)).toMatchObject({ ok: false, shownInPage: false });
    expect(d.sendToTab).not.toHaveBeenCalled();
    expect(d.report).toHaveBeenCalledWith(undefined, expect.anything());
  });

  it('other commands are not ours', async () => {
    const d = deps();
    expect(await handleCommand('_execute_action', { id: 3 }, d)).toBeUndefined();
    expect(d.sendToTab).not.toHaveBeenCalled();
  });
});
