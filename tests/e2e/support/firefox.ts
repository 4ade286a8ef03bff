/**
 * Launches Debian's Firefox ESR with the built extension over WebDriver BiDi (puppeteer-core), every
 * test host routed to the local mock server through an HTTPS proxy, and the extension's own
 * documents (background page, extension tabs) reachable through the Remote Debugging Protocol.
 *
 * Web pages (helpdesk fixtures, the clipboard page) are driven with puppeteer; extension documents
 * with `inBackground` / `openExtensionPage`, because BiDi in Firefox does not expose them.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { MockServer } from '../../fixtures/mock-server';
import { CLIPBOARD_ORIGIN } from './extension';
import { type HttpsProxy, startHttpsProxy } from './https-proxy';
import { RdpClient, type RdpTarget } from './rdp';

export const FIREFOX_BUILD = resolve('.output/firefox-mv2');
export const FIREFOX_E2E_BUILD = resolve('.output/firefox-mv2-e2e');
export const FIREFOX_HINT =
  'Firefox ESR not found: install it with `sudo apt-get install -y firefox-esr` (Debian/Ubuntu) or set FIREFOX_PATH.';

export function findFirefox(): string | undefined {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr'];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

/** A function evaluated in an extension document: self-contained, its argument and result JSON. */
type InPage<A, T> = (arg: A) => T | Promise<T>;

export interface ExtensionPage {
  url: string;
  evaluate<T, A = undefined>(fn: InPage<A, T>, arg?: A): Promise<T>;
  close(): Promise<void>;
}

export interface FirefoxHarness {
  /** puppeteer over WebDriver BiDi: web pages only (helpdesk fixtures, the clipboard page). */
  driver: Browser;
  proxy: HttpsProxy;
  /** Every console line and error of the extension's documents, for "no secret leaked" checks. */
  consoleLines: string[];
  /** URLs of the extension's documents alive now (background page, tabs such as the options page). */
  extensionUrls(): string[];
  /** Evaluates in the background page, where `browser` is the extension API. */
  inBackground<T, A = undefined>(fn: InPage<A, T>, arg?: A): Promise<T>;
  /** Opens an extension page (`popup.html`…) in a tab, as the extension itself would. */
  openExtensionPage(path: string): Promise<ExtensionPage>;
  setSettings(settings: unknown): Promise<void>;
  clearLinkCache(): Promise<void>;
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;
  /** Uninstalls the build and installs another in the same browser: one Firefox start for both. */
  reinstall(build: string): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function poll<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const call = <A, T>(fn: InPage<A, T>, arg: A | undefined) =>
  `(${fn.toString()})(${JSON.stringify(arg) ?? 'undefined'})`;

/** The Firefox build's add-on id (wxt.config.ts, browser_specific_settings.gecko.id). */
export const FIREFOX_ADDON_ID = 'portal-link@portal-link.app';

/**
 * A profile with the build installed for good, as a user's install is (not a temporary add-on, which
 * a restart removes): Firefox's extension proxy file, `extensions/<id>` holding the build's path.
 * ESR honours `xpinstall.signatures.required: false` for the unsigned build.
 */
export function profileWithAddon(build: string = FIREFOX_BUILD): string {
  const profile = mkdtempSync(join(tmpdir(), 'portal-link-firefox-'));
  mkdirSync(join(profile, 'extensions'));
  writeFileSync(join(profile, 'extensions', FIREFOX_ADDON_ID), `${build}\n`);
  return profile;
}

export async function launchFirefox(
  server: MockServer,
  options: {
    build?: string;
    language?: string;
    /** A profile from profileWithAddon: Firefox starts with the add-on already installed in it. */
    profile?: string;
  } = {},
): Promise<FirefoxHarness> {
  const executablePath = findFirefox();
  if (!executablePath) throw new Error(FIREFOX_HINT);
  server.route('clipboard.portal-link.test', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>clipboard</title><body>clipboard');
  });
  const proxy = await startHttpsProxy(server.port);
  const rdpPort = await freePort();
  const language = options.language ?? 'en-US';
  const driver = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    acceptInsecureCerts: true,
    args: ['--start-debugger-server', String(rdpPort)],
    ...(options.profile ? { userDataDir: options.profile } : {}),
    env: { ...process.env, LANGUAGE: language.split('-')[0] ?? 'en' },
    extraPrefsFirefox: {
      'network.proxy.type': 1,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxy.port,
      'network.proxy.no_proxies_on': '',
      'devtools.debugger.remote-enabled': true,
      'devtools.chrome.enabled': true,
      'devtools.debugger.prompt-connection': false,
      // Lets a test page read the clipboard back without Firefox's paste prompt.
      'dom.events.testing.asyncClipboard': true,
      'intl.locale.requested': language,
      'intl.accept_languages': language,
      // A profile's own add-ons: enabled at start, unsigned allowed (ESR).
      ...(options.profile
        ? { 'xpinstall.signatures.required': false, 'extensions.autoDisableScopes': 0, 'extensions.enabledScopes': 15 }
        : {}),
    },
  });
  const close = async () => {
    await driver.close().catch(() => undefined);
    await proxy.close();
  };
  try {
    // The clipboard is read and written from this https page (dom.events.testing.asyncClipboard). It is
    // opened first: the settings page opened at install takes over a blank tab, and uninstalling closes
    // the extension's tabs; this one keeps the window, and Firefox, open.
    const clipboardPage = await driver.newPage();
    await clipboardPage.goto(`${CLIPBOARD_ORIGIN}/`);
    let addonId = options.profile ? FIREFOX_ADDON_ID : await driver.installExtension(options.build ?? FIREFOX_BUILD);
    const rdp = await RdpClient.connect(rdpPort);
    const consoleLines: string[] = [];
    const watch = () => rdp.watchAddon(addonId, (line) => consoleLines.push(line));
    // A profile's add-on is listed once Firefox has started it.
    let targets = options.profile
      ? await poll('the add-on', () => watch().catch(() => undefined), 20_000)
      : await watch();
    const extensionTargets = () => [...targets.values()].filter((t) => t.url.startsWith('moz-extension://'));
    const background = () =>
      poll('the background page', () =>
        extensionTargets().find((t) => t.url.endsWith('/_generated_background_page.html')),
      );
    const inBackground = async <T, A>(fn: InPage<A, T>, arg?: A) => rdp.evaluate<T>(await background(), call(fn, arg));

    return {
      driver,
      proxy,
      consoleLines,
      extensionUrls: () => extensionTargets().map((t) => t.url),
      inBackground,
      async openExtensionPage(path) {
        const known = new Set(targets.keys());
        const tabId = await inBackground(
          async (url: string) => (await browser.tabs.create({ url })).id, // relative: this extension
          `/${path.replace(/^\//, '')}`,
        );
        const target: RdpTarget = await poll(path, () =>
          extensionTargets().find((t) => !known.has(t.actor) && new URL(t.url).pathname.endsWith(path)),
        );
        await rdp.evaluate(
          target,
          `new Promise((r) => document.readyState === 'complete' ? r() : addEventListener('load', () => r()))`,
        );
        return {
          url: target.url,
          evaluate: (fn, arg) => rdp.evaluate(target, call(fn, arg)),
          close: () => inBackground((id) => browser.tabs.remove(id as number), tabId),
        };
      },
      async setSettings(settings) {
        await inBackground((value) => browser.storage.local.set({ settings: value }), settings);
      },
      async clearLinkCache() {
        // The background keeps links in memory and forgets them on storage.onChanged: wait for it.
        await inBackground(async () => {
          if (Object.keys(await browser.storage.session.get(null)).length === 0) return;
          const heard = new Promise<void>((resolve) => {
            const listener = () => {
              browser.storage.onChanged.removeListener(listener);
              resolve();
            };
            browser.storage.onChanged.addListener(listener);
          });
          await browser.storage.session.clear();
          await heard;
        });
      },
      async readClipboard() {
        await clipboardPage.bringToFront();
        return clipboardPage.evaluate(() => navigator.clipboard.readText());
      },
      async writeClipboard(text) {
        await clipboardPage.bringToFront();
        await clipboardPage.evaluate((value) => navigator.clipboard.writeText(value), text);
      },
      async reinstall(build) {
        await driver.uninstallExtension(addonId);
        addonId = await driver.installExtension(build);
        targets = await rdp.watchAddon(addonId, (line) => consoleLines.push(line));
      },
      async close() {
        rdp.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
