// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchLocation } from '../../lib/content/start';

const navigateTo = (target: EventTarget, url: string) =>
  target.dispatchEvent(Object.assign(new Event('navigate'), { destination: { url } }));

describe('watchLocation: the page’s single-page navigation, as WXT’s watcher did', () => {
  afterEach(() => {
    vi.useRealTimers();
    Reflect.deleteProperty(globalThis, 'navigation');
    history.replaceState(null, '', '/');
  });

  it('with the Navigation API: each new destination once, before it is committed; nothing after abort', () => {
    const navigation = new EventTarget();
    Object.assign(globalThis, { navigation });
    const seen: string[] = [];
    const life = new AbortController();
    watchLocation((url) => seen.push(url.pathname), life.signal);
    navigateTo(navigation, new URL('/agent/tickets/7', location.href).href);
    navigateTo(navigation, new URL('/agent/tickets/7', location.href).href); // same URL: not again
    navigateTo(navigation, new URL('/agent/tickets/8', location.href).href);
    life.abort();
    navigateTo(navigation, new URL('/agent/tickets/9', location.href).href);
    expect(seen).toEqual(['/agent/tickets/7', '/agent/tickets/8']);
  });

  it('without it (Firefox ESR): location compared once a second; the timer stops on abort', () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const life = new AbortController();
    watchLocation((url) => seen.push(url.pathname), life.signal);
    history.pushState(null, '', '/agent/tickets/7');
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1_000);
    vi.advanceTimersByTime(1_000); // unchanged: not again
    expect(seen).toEqual(['/agent/tickets/7']);
    life.abort();
    history.pushState(null, '', '/agent/tickets/8');
    vi.advanceTimersByTime(5_000);
    expect(seen).toEqual(['/agent/tickets/7']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
