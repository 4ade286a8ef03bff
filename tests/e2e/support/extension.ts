/**
 * Launches Debian's Chromium with the built extension, every production host name mapped to the
 * local mock server, and console output of every context collected for secret checks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import type { MockServer } from '../../fixtures/mock-server';
import { CHROMIUM_HINT, findChromium } from './chromium';
import { TEST_HOSTS } from './tls';

export const PRODUCTION_BUILD = resolve('.output/chrome-mv3');
export const E2E_BUILD = resolve('.output/chrome-mv3-e2e');
/** The extension APIs as seen from `worker.evaluate` (the test's own TS has no `chrome` global). */
// biome-ignore lint/suspicious/noExplicitAny: evaluated in the browser, typed there
export type ChromeGlobal = { chrome: any };

export const CLIPBOARD_ORIGIN = 'https://clipboard.portal-link.test';

export interface LogLine {
  where: 'page' | 'page-cdp' | 'worker' | 'offscreen';
  type: string;
  text: string;
  url?: string;
}

export interface Harness {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** Every console line from pages and the service worker, for "no secret leaked" checks. */
  consoleLines: string[];
  /**
   * The same and more, with where and what kind: every page's console in every world (content
   * scripts' isolated worlds too, through CDP), uncaught errors, the worker, the offscreen document.
   */
  logs: LogLine[];
  open(path: string): Promise<Page>;
  /** Settings written straight to storage, as the options page would save them. */
  setSettings(settings: unknown): Promise<void>;
  /** Empties `storage.session`, where issued links are kept (and so the background's memory of them). */
  clearLinkCache(): Promise<void>;
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;
  /** Service worker by the time it is needed again (it may have been stopped and restarted). */
  currentWorker(): Promise<Worker>;
  /** Stops the service worker as Chromium does when idle (CDP Target.closeTarget); it restarts on the next event. */
  stopWorker(): Promise<void>;
  /** The browser profile's folder (deleted by close unless `keepProfile`: a test may search its files). */
  profile: string;
  close(options?: { keepProfile?: boolean }): Promise<void>;
}

export async function launchExtension(
  server: MockServer,
  options: {
    build?: string;
    language?: string;
    headless?: boolean;
    /**
     * Watch every world's console through CDP (the secret checks need it). Off for timing the page
     * against a browser without the extension: the Runtime domain slows a page's own rendering.
     */
    watchWorlds?: boolean;
  } = {},
): Promise<Harness> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(CHROMIUM_HINT);
  const build = options.build ?? PRODUCTION_BUILD;
  const profile = mkdtempSync(join(tmpdir(), 'portal-link-profile-'));
  server.route('clipboard.portal-link.test', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>clipboard</title><body>clipboard');
  });
  const rules = TEST_HOSTS.map((host) => `MAP ${host} 127.0.0.1:${server.port}`).join(', ');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: options.headless ?? true,
    locale: options.language ?? 'en-US',
    args: [
      `--disable-extensions-except=${build}`,
      `--load-extension=${build}`,
      `--host-resolver-rules=${rules}`,
      '--ignore-certificate-errors',
      // Chromium backs off extension requests to a URL after 5xx replies (ERR_TEMPORARILY_THROTTLED);
      // real, and our message for it is right, but it would couple one test to the one before.
      '--disable-extensions-http-throttling',
      // Lets the CDP Extensions domain run the toolbar action (Extensions.triggerAction): the real
      // user-action path, which grants activeTab and opens the real popup (support/action.ts).
      '--enable-unsafe-extension-debugging',
      `--lang=${options.language ?? 'en-US'}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env: { ...process.env, LANGUAGE: options.language ?? 'en' },
  });
  const consoleLines: string[] = [];
  const logs: LogLine[] = [];
  const log = (line: LogLine) => {
    logs.push(line);
    consoleLines.push(line.text);
  };
  context.on('console', (msg) => log({ where: 'page', type: msg.type(), text: msg.text(), url: msg.page()?.url() }));
  context.on('weberror', (error) =>
    log({ where: 'page', type: 'pageerror', text: String(error.error()), url: error.page()?.url() }),
  );
  // Playwright reports the main world; CDP's Runtime domain reports every world of the page,
  // including our content scripts' isolated worlds (their console and uncaught errors).
  const watchAllWorlds = async (page: Page, where: LogLine['where']) => {
    const cdp = await context.newCDPSession(page).catch(() => undefined);
    if (!cdp) return;
    cdp.on('Runtime.consoleAPICalled', (event) =>
      log({
        where: where === 'page' ? 'page-cdp' : where,
        type: event.type,
        text: event.args.map((arg) => String(arg.value ?? arg.description ?? '')).join(' '),
        url: page.url(),
      }),
    );
    cdp.on('Runtime.exceptionThrown', (event) =>
      log({
        where: where === 'page' ? 'page-cdp' : where,
        type: 'exception',
        text: event.exceptionDetails.exception?.description ?? event.exceptionDetails.text,
        url: page.url(),
      }),
    );
    await cdp.send('Runtime.enable').catch(() => undefined);
  };
  if (options.watchWorlds !== false) context.on('page', (page) => void watchAllWorlds(page, 'page'));
  const watchWorker = (worker: Worker) =>
    worker.on('console', (msg) => log({ where: 'worker', type: msg.type(), text: msg.text(), url: worker.url() }));
  context.on('serviceworker', watchWorker);
  // The offscreen document, if Playwright reports it as a background page (this Chromium does not,
  // so its console goes unwatched: docs/testing.md).
  context.on('backgroundpage', (page) => {
    page.on('console', (msg) => log({ where: 'offscreen', type: msg.type(), text: msg.text(), url: page.url() }));
    void watchAllWorlds(page, 'offscreen');
  });

  const currentWorker = async () =>
    context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await context.waitForEvent('serviceworker', { timeout: 10_000 }));
  const worker = await currentWorker();
  watchWorker(worker);
  const extensionId = new URL(worker.url()).host;
  // The first install opens the options page; tests open what they need themselves.
  await context.waitForEvent('page', { timeout: 3_000 }).catch(() => undefined);
  for (const page of context.pages()) if (page.url().includes('options.html')) await page.close();

  let clipboardPage: Page | undefined;
  const clipboard = async () => {
    if (!clipboardPage || clipboardPage.isClosed()) {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: CLIPBOARD_ORIGIN });
      clipboardPage = await context.newPage();
      await clipboardPage.goto(`${CLIPBOARD_ORIGIN}/`);
    }
    await clipboardPage.bringToFront();
    return clipboardPage;
  };

  return {
    context,
    worker,
    extensionId,
    consoleLines,
    logs,
    currentWorker,
    async open(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path.replace(/^\//, '')}`);
      return page;
    },
    async setSettings(settings) {
      const w = await currentWorker();
      await w.evaluate(
        (value) => (globalThis as unknown as ChromeGlobal).chrome.storage.local.set({ settings: value }),
        settings,
      );
    },
    async stopWorker() {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      const { targetInfos } = (await cdp.send('Target.getTargets')) as {
        targetInfos: { type: string; url: string; targetId: string }[];
      };
      for (const target of targetInfos) {
        if (target.type === 'service_worker' && target.url.startsWith(`chrome-extension://${extensionId}/`)) {
          await cdp.send('Target.closeTarget', { targetId: target.targetId });
        }
      }
      await cdp.detach();
    },
    async clearLinkCache() {
      const w = await currentWorker();
      await w.evaluate(async () => {
        const { chrome } = globalThis as unknown as ChromeGlobal;
        if (Object.keys(await chrome.storage.session.get(null)).length === 0) return;
        // The background keeps links in memory and forgets them on storage.onChanged: return once
        // that event has reached this worker (its own listener, registered first, has run then).
        const heard = new Promise<void>((resolve) => {
          const listener = () => {
            chrome.storage.onChanged.removeListener(listener);
            resolve();
          };
          chrome.storage.onChanged.addListener(listener);
        });
        await chrome.storage.session.clear();
        await heard;
      });
    },
    async readClipboard() {
      return (await clipboard()).evaluate(() => navigator.clipboard.readText());
    },
    async writeClipboard(text) {
      await (await clipboard()).evaluate((value) => navigator.clipboard.writeText(value), text);
    },
    profile,
    async close(closing) {
      await context.close();
      if (!closing?.keepProfile) rmSync(profile, { recursive: true, force: true });
    },
  };
}
