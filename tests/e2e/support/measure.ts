/**
 * Measurements of the content scripts in real Chromium, reusable by the e2e budget checks and by a
 * future `npm run bench`: gzip sizes, the detection cost the runtime records in the Performance
 * timeline, and the main-thread cost of a burst of DOM mutations.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { DETECT_MEASURE } from '../../../lib/helpdesks/detected';
import type { MockServer } from '../../fixtures/mock-server';
import { CHROMIUM_HINT, findChromium } from './chromium';
import { TEST_HOSTS } from './tls';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ScriptSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Every content script of a build, raw and gzip -9. */
export function contentScriptSizes(build: string): ScriptSize[] {
  const dir = join(build, 'content-scripts');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((file) => {
      const code = readFileSync(join(dir, file));
      return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
    });
}

export interface DetectionSample {
  ms: number;
  ticketId: string;
  source: string;
}

/**
 * The latest detection the content script recorded (`performance.measure`, shared by the page's
 * and the content script's worlds), once it is for `ticketId` and newer than `after`.
 */
export async function nextDetection(
  page: Page,
  ticketId: string,
  after = 0,
  timeoutMs = 10_000,
): Promise<DetectionSample & { startTime: number }> {
  const handle = await page.waitForFunction(
    ({ name, ticketId, after }) => {
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
