// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createToaster } from '../../lib/content/toast';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { shadowOf } from './dom';

const root = () => shadowOf(document.querySelector('[data-portal-link="toast"]')) as ShadowRoot;
const words = (role: 'status' | 'alert') => root().querySelector(`[role="${role}"]`)?.textContent ?? '';
const buttonNamed = (name: string) =>
  [...root().querySelectorAll('button')].find(
    (b) => !b.hidden && (b.textContent === name || b.getAttribute('aria-label') === name),
  );

describe('the in-page toast', () => {
  afterEach(() => {
    vi.useRealTimers();
    document.body.replaceChildren();
  });

  it('a status fades; an error value is put in words; nothing is parsed as HTML', () => {
    vi.useFakeTimers();
    const toaster = createToaster({ doc: document, near: () => undefined });
    expect(toaster.show('alert', new PortalLinkError('no-composer'))).toMatch(/reply/i);
    toaster.show('status', '<img src=x onerror=alert(1)>');
    expect(words('status')).toBe('<img src=x onerror=alert(1)>');
    expect(root().querySelector('img')).toBeNull();
    expect(words('alert')).toBe('');
    vi.advanceTimersByTime(6_001);
    expect(words('status')).toBe('');
  });

  it('an alert with an action stays until the agent takes it or dismisses it', () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const toaster = createToaster({ doc: document, near: () => undefined });
    toaster.show(
      'alert',
      { code: 'key-rejected', message: 'Appstle rejected the API key.' },
      { label: 'Open settings', run },
    );
    vi.advanceTimersByTime(60_000);
    expect(words('alert')).toBe('Appstle rejected the API key.');
    buttonNamed('Open settings')?.click();
    expect(run).toHaveBeenCalledOnce();
    expect(words('alert')).toBe('');
  });

  it('countdown: Undo stops it (false); running out goes ahead (true)', async () => {
    vi.useFakeTimers();
    const toaster = createToaster({ doc: document, near: () => undefined });
    const undone = toaster.countdown('Sending to jane@example.com…', 5_000);
    vi.advanceTimersByTime(4_000);
    buttonNamed('Undo')?.click();
    await expect(undone).resolves.toBe(false);
    expect(words('status')).toBe('');
    const ran = toaster.countdown('Sending to jane@example.com…', 5_000);
    vi.advanceTimersByTime(5_000);
    await expect(ran).resolves.toBe(true);
    // Dismissing (×) is not consent either.
    const dismissed = toaster.countdown('Sending…', 5_000);
    buttonNamed('Dismiss')?.click();
    await expect(dismissed).resolves.toBe(false);
  });

  it('sits next to the button, below it, inside the viewport', () => {
    const button = document.createElement('span');
    document.body.append(button);
    button.getBoundingClientRect = () =>
      ({ left: 2, top: 100, width: 200, height: 26, right: 202, bottom: 126 }) as DOMRect;
    createToaster({ doc: document, near: () => button }).show('status', 'Copied');
    const host = document.querySelector('[data-portal-link="toast"]') as HTMLElement;
    expect(host.style.transform).toBe('translate(8px, 134px)');
  });
});
