/**
 * "Insert into reply", content-script side: find the open ticket's composer, hand the link to the
 * page-world script (lib/content/page-insert.ts) and check that the editor really shows it.
 */
import { injectScript } from 'wxt/utils/inject-script';
import { INSERT_REQUEST, INSERT_RESULT, type PageInsertResult, TARGET_ATTRIBUTE } from './page-insert';

const ANSWER_MS = 2_000;
const VERIFY_MS = 1_500;

export type InsertOutcome = 'inserted' | 'read-only' | 'failed';

/** Whether the composer can take text now (Draft.js and CKEditor both drop contenteditable when read-only). */
export function isEditable(composer: Element): boolean {
  return composer.getAttribute('contenteditable') === 'true' && !composer.closest('[aria-disabled="true"]');
}

/** How often the editor's rendered text shows the URL (editors render links differently; the text is the URL). */
function countLinks(composer: Element, url: string): number {
  return (composer.textContent ?? '').split(url).length - 1;
}

/** Resolves once the composer shows one more copy of the link than before, or false after `ms`. */
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

/** Injects the page-world script once (on the first insert) and talks to it through its own element. */
export function composerBridge(): ComposerBridge {
  let channel: Promise<EventTarget> | undefined;
  let counter = 0;

  function ask(target: EventTarget, id: string, url: string): Promise<PageInsertResult> {
    return new Promise((resolve) => {
      const onResult = (event: Event) => {
        const detail = (event as CustomEvent).detail;
        if (typeof detail !== 'string') return;
        let reply: { id?: unknown; result?: unknown };
        try {
          reply = JSON.parse(detail) as typeof reply;
        } catch {
          return;
        }
        if (reply.id !== id) return;
        done(typeof reply.result === 'string' ? (reply.result as PageInsertResult) : 'failed');
      };
      const timer = setTimeout(() => done('failed'), ANSWER_MS);
      function done(result: PageInsertResult) {
        clearTimeout(timer);
        target.removeEventListener(INSERT_RESULT, onResult);
        resolve(result);
      }
      target.addEventListener(INSERT_RESULT, onResult);
      target.dispatchEvent(new CustomEvent(INSERT_REQUEST, { detail: JSON.stringify({ id, url }) }));
    });
  }

  return {
    async insert(composer, url) {
      channel ??= injectScript('/composer-insert.js').then(({ script }) => script);
      const target = await channel.catch(() => undefined);
      if (!target) return 'failed';
      const id = `${Date.now().toString(36)}-${++counter}-${Math.random().toString(36).slice(2)}`;
      const before = countLinks(composer, url);
      composer.setAttribute(TARGET_ATTRIBUTE, id);
      try {
        const result = await ask(target, id, url);
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
