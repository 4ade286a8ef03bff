/**
 * "Insert into reply", content-script side: hand the link to the page-world script
 * (lib/content/insert-page.ts) over its private channel, and check that the editor itself shows it.
 */
import { browser } from 'wxt/browser';
import { CHANNEL_HOST, INSERT_REQUEST, INSERT_RESULT, type PageInsertResult, TARGET_ATTRIBUTE } from './insert-page';

const ANSWER_MS = 2_000;
const VERIFY_MS = 1_500;

export type InsertOutcome = 'inserted' | 'read-only' | 'failed';

/** Whether the composer can take text now (Draft.js and CKEditor both drop contenteditable when read-only). */
export function isEditable(composer: Element): boolean {
  return composer.getAttribute('contenteditable') === 'true' && !composer.closest('[aria-disabled="true"]');
}

/**
 * How many times the editor renders the link: the URL as the text of an `<a>` whose `href` is the
 * URL, in the editor's own rendering of its content (CKEditor's editing view, Draft.js's link
 * entities), not merely as text, which anything could type. Counted by text because an editor
 * merges the same link inserted twice in a row into one anchor.
 */
export function countLinks(composer: Element, url: string): number {
  let n = 0;
  for (const a of composer.querySelectorAll('a[href]'))
    if (a.getAttribute('href') === url) n += (a.textContent ?? '').split(url).length - 1;
  return n;
}

/** Resolves once the composer shows one more link to `url` than before, or false after `ms`. */
function appears(composer: Element, url: string, before: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (countLinks(composer, url) > before) return resolve(true);
    const observer = new MutationObserver(() => {
      if (countLinks(composer, url) <= before) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(true);
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve(countLinks(composer, url) > before);
    }, ms);
    observer.observe(composer, { childList: true, subtree: true, characterData: true, attributes: true });
  });
}

export interface ComposerBridge {
  insert(composer: HTMLElement, url: string): Promise<InsertOutcome>;
}

/**
 * A closed shadow root as only the extension may read it: Chromium's `chrome.dom.openOrClosedShadowRoot()`,
 * Firefox's `Element.openOrClosedShadowRoot` property (both on MDN / developer.chrome.com).
 */
export type OpenRoot = (host: Element) => ShadowRoot | null | undefined;

export const openRoot: OpenRoot = (host) => {
  const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot?(el: Element): ShadowRoot | null } } }).chrome
    ?.dom;
  if (dom?.openOrClosedShadowRoot) return dom.openOrClosedShadowRoot(host);
  return (host as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot;
};

/**
 * Runs the page-world script from its extension URL, `<script src>` in both browsers: an extension-origin
 * script a content script adds is exempt from the page's Content-Security-Policy (Chromium and Firefox),
 * whereas WXT's `injectScript` inlines the code under MV2 (Firefox), which a CSP without
 * 'unsafe-inline' blocks (`script-src 'self'` plus a nonce, as helpdesks send).
 */
export function loadPageScript(path: string, doc: Document = document): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = doc.createElement('script');
    script.src = browser.runtime.getURL(path as '/composer-insert.js');
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('page script blocked'));
    (doc.head ?? doc.documentElement).append(script);
    script.remove(); // the load goes on; the element needn't stay in the page
  });
}

/** A random id the page cannot guess. */
function randomId(): string {
  return crypto.randomUUID();
}

export interface BridgeOptions {
  doc?: Document;
  /** Runs the page-world script (default: `loadPageScript('/composer-insert.js')`). */
  inject?: () => Promise<unknown>;
  open?: OpenRoot;
}

/**
 * Injects the page-world script once (on the first insert) and finds the channel it opened: the
 * one new channel host after it ran (a page that adds its own at that moment gets no insert).
 */
export function composerBridge(options: BridgeOptions = {}): ComposerBridge {
  const doc = options.doc ?? document;
  const inject = options.inject ?? (() => loadPageScript('/composer-insert.js', doc));
  const open = options.open ?? openRoot;
  let channel: Promise<Element | undefined> | undefined;

  async function connect(): Promise<Element | undefined> {
    const before = new Set(doc.querySelectorAll(`[${CHANNEL_HOST}]`));
    await inject();
    const added = [...doc.querySelectorAll(`[${CHANNEL_HOST}]`)].filter((host) => !before.has(host));
    const node = added.length === 1 && added[0] ? open(added[0])?.firstElementChild : undefined;
    return node ?? undefined;
  }

  function ask(node: Element, nonce: string, target: string, url: string): Promise<PageInsertResult> {
    return new Promise((resolve) => {
      const onResult = (event: Event) => {
        const detail = (event as CustomEvent).detail;
        let reply: { nonce?: unknown; result?: unknown };
        try {
          reply = JSON.parse(String(detail)) as typeof reply;
        } catch {
          return;
        }
        if (reply.nonce !== nonce) return; // not the answer to this request
        done(typeof reply.result === 'string' ? (reply.result as PageInsertResult) : 'failed');
      };
      const timer = setTimeout(() => done('failed'), ANSWER_MS);
      function done(result: PageInsertResult) {
        clearTimeout(timer);
        node.removeEventListener(INSERT_RESULT, onResult);
        resolve(result);
      }
      node.addEventListener(INSERT_RESULT, onResult);
      node.dispatchEvent(new CustomEvent(INSERT_REQUEST, { detail: JSON.stringify({ nonce, target, url }) }));
    });
  }

  return {
    async insert(composer, url) {
      channel ??= connect().catch(() => undefined);
      let node = await channel;
      if (!node?.isConnected) {
        channel = connect().catch(() => undefined); // the page removed it: open a new one
        node = await channel;
      }
      if (!node) return 'failed';
      const [nonce, target] = [randomId(), randomId()];
      const before = countLinks(composer, url);
      composer.setAttribute(TARGET_ATTRIBUTE, target);
      try {
        const result = await ask(node, nonce, target, url);
        if (result === 'read-only') return 'read-only';
        if (result !== 'inserted' && result !== 'pasted') return 'failed';
        // What the page script says is not trusted: the editor must show the link.
        return (await appears(composer, url, before, VERIFY_MS)) ? 'inserted' : 'failed';
      } finally {
        composer.removeAttribute(TARGET_ATTRIBUTE);
      }
    },
  };
}
