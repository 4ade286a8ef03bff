/**
 * What the click's time is made of, timed where it happens: the provider's raw round trip and the
 * pieces of the uncached path in the service worker, messaging as a sender page sees it, and the
 * content script's own record of the copy. (Each evaluated function carries its own timer: it runs
 * in the worker or the page, serialised, and can't share one from here.)
 */
import type { Page } from 'playwright-core';
import { COPY_MEASURE } from '../lib/helpdesks/detected';
import type { ChromeGlobal, Harness } from '../tests/e2e/support/extension';
import { APPSTLE_KEY } from '../tests/fixtures/mock-providers';

/** The provider's own round trip: the same request from the service worker (same network stack), without our code. */
export async function rawRoundTrip(harness: Harness): Promise<number> {
  const worker = await harness.currentWorker();
  return worker.evaluate(async (key) => {
    const started = performance.now();
    const response = await fetch(
      'https://subscription-admin.appstle.com/api/external/v2/customer-portal-token?email=jane%40example.com',
      { headers: { 'X-API-Key': key, accept: 'application/json' }, cache: 'no-store' },
    );
    await response.json();
    return performance.now() - started;
  }, APPSTLE_KEY);
}

/** Pieces of the uncached path, timed in the service worker, for "where does the overhead go". */
export async function breakdown(harness: Harness): Promise<Record<string, number>> {
  const worker = await harness.currentWorker();
  return worker.evaluate(async (key) => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    const time = async (body: () => Promise<unknown>) => {
      const started = performance.now();
      await body();
      return performance.now() - started;
    };
    return {
      'storage.local.get settings': await time(() => chrome.storage.local.get('settings')),
      'storage.managed.get': await time(() => chrome.storage.managed.get(null).catch(() => undefined)),
      'storage.session.get': await time(() => chrome.storage.session.get(null)),
      // A link-cache key, as the copy's own write is: any other key would make the worker forget its settings.
      'storage.session.set': await time(() => chrome.storage.session.set({ 'link:bench-probe': Date.now() })),
      'offscreen copy round trip': await time(() =>
        chrome.runtime.sendMessage({ target: 'offscreen', type: 'write-clipboard', text: 'bench' }),
      ),
      // The provider request as lib/background/http.ts makes it (timeout signal, streamed body), vs the raw fetch.
      'provider fetch as lib/background/http.ts does it': await time(async () => {
        const response = await fetch(
          'https://subscription-admin.appstle.com/api/external/v2/customer-portal-token?email=jane%40example.com',
          {
            headers: { 'X-API-Key': key, Accept: 'application/json' },
            signal: AbortSignal.timeout(10_000),
            credentials: 'omit',
            cache: 'no-store',
            redirect: 'error',
          },
        );
        const reader = response.body?.getReader();
        const chunks: Uint8Array[] = [];
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) break;
          chunks.push(chunk.value);
        }
        JSON.parse(new TextDecoder().decode(chunks[0]));
      }),
    };
  }, APPSTLE_KEY);
}

/** Extension messaging as a sender page sees it: the bare round trip (a message the router rejects), and get-settings. */
export async function messaging(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    const time = async (body: () => Promise<unknown>) => {
      const started = performance.now();
      await body();
      return performance.now() - started;
    };
    return {
      'message round trip, rejected by the router (page → worker → page)': await time(() =>
        chrome.runtime.sendMessage({ type: 'bench-unknown' }),
      ),
      'message round trip, get-settings (settings + policy + zod)': await time(() =>
        chrome.runtime.sendMessage({ type: 'get-settings' }),
      ),
    };
  });
}

/**
 * The content script's record of the copy just made (COPY_MEASURE): click handled → "copied", and the
 * provider's share of it as the background timed it, around the request itself, in the same click.
 */
export async function lastCopy(page: Page): Promise<{ ms: number; providerMs: number }> {
  return page.evaluate((name) => {
    const entry = performance.getEntriesByName(name).at(-1) as PerformanceMeasure | undefined;
    const detail = entry?.detail as { providerMs?: number } | undefined;
    if (!entry || typeof detail?.providerMs !== 'number') throw new Error(`no ${name} entry`);
    return { ms: entry.duration, providerMs: detail.providerMs };
  }, COPY_MEASURE);
}
