import { parseHTML } from 'linkedom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { showPageToast } from '../../lib/background/page-toast';

let doc: Document;

beforeEach(() => {
  // A hostile page: it already has an element with a look-alike id outside our shadow root.
  doc = parseHTML('<!doctype html><html><body><main id="app">ticket</main></body></html>')
    .document as unknown as Document;
  vi.stubGlobal('document', doc);
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function toastHost() {
  return doc.getElementById('portal-link-menu-toast');
}

describe('showPageToast', () => {
  it('renders a role=status toast in a shadow root and says so', () => {
    expect(showPageToast('Portal link copied · expires 16:42', 'status')).toBe(true);
    const host = toastHost();
    expect(host?.parentNode).toBe(doc.body);
    const box = host?.shadowRoot?.querySelector('[role]');
    expect(box?.getAttribute('role')).toBe('status');
    expect(box?.textContent).toBe('Portal link copied · expires 16:42');
    expect(doc.getElementById('app')?.textContent).toBe('ticket');
  });

  it('renders errors with role=alert', () => {
    showPageToast('Appstle rejected the API key.', 'alert');
    expect(toastHost()?.shadowRoot?.querySelector('[role]')?.getAttribute('role')).toBe('alert');
  });

  it('uses text nodes only: markup in the text stays text', () => {
    showPageToast('<img src=x onerror=alert(1)> not found', 'alert');
    const box = toastHost()?.shadowRoot?.querySelector('[role]');
    expect(box?.querySelector('img')).toBeNull();
    expect(box?.textContent).toBe('<img src=x onerror=alert(1)> not found');
  });

  it('replaces a previous toast instead of stacking', () => {
    showPageToast('first', 'status');
    showPageToast('second', 'status');
    expect(doc.querySelectorAll('#portal-link-menu-toast')).toHaveLength(1);
    expect(toastHost()?.shadowRoot?.querySelector('[role]')?.textContent).toBe('second');
  });

  it.each([
    ['status', 4000],
    ['alert', 8000],
  ] as const)('the %s toast removes itself after %i ms', (role, ms) => {
    showPageToast('x', role);
    vi.advanceTimersByTime(ms - 1);
    expect(toastHost()).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(toastHost()).toBeNull();
  });

  it('is self-contained, as executeScript needs: its source names nothing from its module', () => {
    const source = showPageToast.toString();
    expect(source).not.toMatch(/\bimport\b|\brequire\(|__vite|_interop/);
    // Run it from its source alone, as the browser does after serialising it.
    const revived = new Function(`return (${source})`)() as typeof showPageToast;
    expect(revived('from source', 'status')).toBe(true);
    expect(toastHost()?.shadowRoot?.querySelector('[role]')?.textContent).toBe('from source');
  });
});
