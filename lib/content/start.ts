/** Wires a helpdesk to its content script: the script's signal and the page's single-page navigation. */
import type { Helpdesk } from '../helpdesks/types';
import { type HelpdeskRuntime, startHelpdesk } from './runtime';

/** How often the URL is compared where the browser has no Navigation API (Firefox ESR), as WXT did. */
const POLL_MS = 1_000;

type NavigateEvent = Event & { destination: { url: string } };

/**
 * Calls `listener` with each new URL of the page: on the Navigation API's `navigate` (its URL, as the
 * event fires before the new URL is committed), else by comparing `location` every second.
 */
export function watchLocation(listener: (url: URL) => void, signal: AbortSignal): void {
  let last = location.href;
  const seen = (href: string) => {
    if (href === last) return;
    last = href;
    listener(new URL(href));
  };
  const navigation = (globalThis as { navigation?: EventTarget }).navigation;
  if (typeof navigation?.addEventListener === 'function') {
    navigation.addEventListener('navigate', (event) => seen((event as NavigateEvent).destination.url), { signal });
    return;
  }
  const timer = setInterval(() => seen(location.href), POLL_MS);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

export function runHelpdesk(ctx: { signal: AbortSignal }, helpdesk: Helpdesk): HelpdeskRuntime {
  return startHelpdesk(helpdesk, {
    signal: ctx.signal,
    onLocationChange: (listener) => watchLocation(listener, ctx.signal),
  });
}
