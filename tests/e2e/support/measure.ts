/**
 * Measurements of the content scripts in real Chromium, reusable by the e2e budget checks and by a
 * `npm run bench` (sizes: bench/sizes.ts): the detection cost the runtime records in the Performance
 * timeline, and the main-thread cost of a burst of DOM mutations.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { DETECT_MEASURE } from '../../../lib/helpdesks/detected';
import type { MockServer } from '../../fixtures/mock-server';
import { CHROMIUM_HINT, findChromium } from './chromium';
import { inContentWorld, inPageButton } from './shadow';
import { TEST_HOSTS } from './tls';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface DetectionSample {
  ms: number;
  ticketId: string;
  source: string;
}

/**
 * The latest detection the content script recorded (`performance.measure`, shared by the page's
 * and the content script's worlds), once it is for `ticketId` and newer than `after`. The requester
 * is looked up when first needed, so this reaches for the button as an agent does (a `pointerover`
 * on its host at each poll; a lookup is asked once per ticket however often).
 */
export async function nextDetection(
  page: Page,
  ticketId: string,
  after = 0,
  timeoutMs = 10_000,
): Promise<DetectionSample & { startTime: number }> {
  const handle = await page.waitForFunction(
    ({ name, ticketId, after }) => {
      document.querySelector('[data-portal-link="button"]')?.dispatchEvent(new Event('pointerover'));
      const entry = performance.getEntriesByName(name).at(-1) as PerformanceMeasure | undefined;
      const detail = entry?.detail as { ticketId?: string; source?: string } | null | undefined;
      return entry && entry.startTime > after && detail?.ticketId === ticketId
        ? { ms: entry.duration, ticketId, source: detail.source ?? '', startTime: entry.startTime }
        : undefined;
    },
    { name: DETECT_MEASURE, ticketId, after },
    { timeout: timeoutMs, polling: 20 },
  );
  return (await handle.jsonValue()) as DetectionSample & { startTime: number };
}

export interface BurstCost {
  /** The mutations plus every MutationObserver callback they caused, in any world (one microtask checkpoint). */
  scriptMs: number;
  /** Main-thread time held by everything else in the `settleMs` after: rendering, a coalesced check… */
  afterMs: number;
  totalMs: number;
  /** Long tasks (> 50 ms) observed from the burst to the end of the window. */
  longTasks: number;
}

/**
 * Appends `mutations` elements one by one under `selector` in one task; `scriptMs` ends in a
 * microtask queued after the first mutation's observer delivery, so it includes every observer's
 * callback. Then the main thread is probed for `settleMs` with a MessageChannel ping chain
 * (unclamped, unlike timers): gaps over 1 ms are time other work held the thread.
 */
export async function mutationBurstCost(
  page: Page,
  selector: string,
  mutations = 10_000,
  settleMs = 250,
): Promise<BurstCost> {
  return page.evaluate(
    async ({ selector, mutations, settleMs }) => {
      const target = document.querySelector(selector);
      if (!target) throw new Error(`no ${selector}`);
      let longTasks = 0;
      const observer = new PerformanceObserver((list) => {
        longTasks += list.getEntries().length;
      });
      observer.observe({ type: 'longtask' });
      const start = performance.now();
      for (let i = 0; i < mutations; i++) {
        const span = document.createElement('span');
        span.textContent = '·';
        target.append(span);
      }
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      const scriptMs = performance.now() - start;
      const afterMs = await new Promise<number>((resolve) => {
        const channel = new MessageChannel();
        let last = performance.now();
        const end = last + settleMs;
        let blocked = 0;
        channel.port1.onmessage = () => {
          const now = performance.now();
          if (now - last > 1) blocked += now - last;
          last = now;
          if (now < end) channel.port2.postMessage(0);
          else {
            channel.port1.close();
            resolve(blocked);
          }
        };
        channel.port2.postMessage(0);
      });
      await new Promise((resolve) => setTimeout(resolve, 0)); // deliver pending long-task entries
      observer.disconnect();
      for (let i = 0; i < mutations; i++) target.lastChild?.remove();
      return { scriptMs, afterMs, totalMs: scriptMs + afterMs, longTasks };
    },
    { selector, mutations, settleMs },
  );
}

/** Chromium as the harness launches it, with the same host mapping, but without the extension. */
export async function launchWithoutExtension(
  server: MockServer,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(CHROMIUM_HINT);
  const profile = mkdtempSync(join(tmpdir(), 'portal-link-plain-'));
  const rules = TEST_HOSTS.map((host) => `MAP ${host} 127.0.0.1:${server.port}`).join(', ');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    locale: 'en-US',
    args: [
      `--host-resolver-rules=${rules}`,
      '--ignore-certificate-errors',
      '--disable-extensions-http-throttling',
      '--lang=en-US',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
    ],
    env: { ...process.env, LANGUAGE: 'en' },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where `watchLongTasks` keeps what it saw, in the page's main world. */
const LONG_TASKS_KEY = '__portalLinkLongTasks';

/**
 * Records every long task (> 50 ms, `PerformanceObserver` 'longtask') of the page's next documents
 * from their very start: call before `goto`. Read with `longTasksSoFar`.
 */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript((key) => {
    const seen: number[] = [];
    (globalThis as unknown as Record<string, number[]>)[key] = seen;
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) seen.push(entry.duration);
      }).observe({ type: 'longtask' });
    } catch {
      // no Long Tasks API: nothing is counted
    }
  }, LONG_TASKS_KEY);
}

/** The long tasks seen since the document started (see `watchLongTasks`): count and total time. */
export async function longTasksSoFar(page: Page): Promise<{ count: number; totalMs: number }> {
  return page.evaluate(async (key) => {
    await new Promise((resolve) => setTimeout(resolve, 0)); // deliver pending entries
    const seen = (globalThis as unknown as Record<string, number[] | undefined>)[key] ?? [];
    return { count: seen.length, totalMs: seen.reduce((a, b) => a + b, 0) };
  }, LONG_TASKS_KEY);
}

/**
 * Clicks the inline "Copy portal link" button with a real (trusted) mouse click, as the button
 * ignores scripted ones, and times in the page the click to the "copied" toast. The background
 * replies only after the clipboard write, so this is click → link on the clipboard, on the page's
 * own clock: the start is taken by a capture listener on the document, before our button sees it.
 */
export async function timeInlineCopy(page: Page, timeoutMs = 15_000): Promise<number> {
  const key = '__portalLinkBenchCopy';
  // In the content script's world: the toast's shadow root is closed to the page (support/shadow.ts).
  await inContentWorld(
    page,
    ({ timeoutMs, key }) => {
      const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot(el: Element): ShadowRoot | null } } })
        .chrome?.dom;
      const toastRoot = () => {
        const host = document.querySelector('[data-portal-link="toast"]');
        return (host && dom?.openOrClosedShadowRoot(host)) ?? undefined;
      };
      const text = (role: string) => toastRoot()?.querySelector(`[role="${role}"]`)?.textContent ?? '';
      const result = new Promise<number>((resolve, reject) => {
        let started = 0;
        const observers: MutationObserver[] = [];
        const done = (error?: Error) => {
          for (const o of observers) o.disconnect();
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(performance.now() - started);
        };
        const check = () => {
          if (!started) return;
          if (/copied/i.test(text('status'))) done();
          else if (text('alert')) done(new Error(`copy failed: ${text('alert')}`));
          else if (toastRoot() && observers.length === 1) watchToast();
        };
        const watchToast = () => {
          const root = toastRoot();
          if (!root) return;
          const o = new MutationObserver(check);
          o.observe(root, { childList: true, subtree: true, characterData: true });
          observers.push(o);
        };
        // The toast's host is created on first use: watch for it, and inside it once it is there.
        const outer = new MutationObserver(check);
        outer.observe(document.documentElement, { childList: true, subtree: true });
        observers.push(outer);
        watchToast();
        const timer = setTimeout(() => done(new Error('no toast')), timeoutMs);
        document.addEventListener(
          'click',
          (event) => {
            if (event.isTrusted) started = performance.now();
          },
          { capture: true, once: true },
        );
      });
      (globalThis as unknown as Record<string, Promise<number>>)[key] = result;
      result.catch(() => undefined);
    },
    { timeoutMs, key },
  );
  await inPageButton(page, 'Copy portal link').click();
  return inContentWorld(
    page,
    (key) => (globalThis as unknown as Record<string, Promise<number>>)[key] as Promise<number>,
    key,
  );
}
