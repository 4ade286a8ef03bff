/** Small, pure readers shared by the helpdesk detectors (content-script code: no zod). */
import { normalizeEmail } from '../shared/customer';

const MAX_TEXT = 500;

/** Trimmed text of a small element, bounded (names and emails, never a conversation). */
export function textOf(el: Element | null | undefined): string | undefined {
  const text = el?.textContent?.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
  return text || undefined;
}

/** The first email-shaped word of a short text. */
function emailInWords(text: string): string | undefined {
  for (const word of text.split(/[\s<>()[\],;"']+/)) {
    const email = normalizeEmail(word);
    if (email) return email;
  }
  return undefined;
}

/**
 * The email an element shows: its `mailto:` link (found by `mailto`) first, else the first
 * email-shaped word of its text nodes, visiting at most `maxNodes` of them (a panel, not a thread).
 */
export function emailIn(el: Element | null | undefined, mailto: string, maxNodes = 200): string | undefined {
  if (!el) return undefined;
  const link = el.matches(mailto) ? el : el.querySelector(mailto);
  const fromLink = link ? normalizeEmail(link.getAttribute('href') ?? '') : undefined;
  if (fromLink) return fromLink;
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  for (let n = 0, node = walker.nextNode(); node && n < maxNodes; n++, node = walker.nextNode()) {
    const text = node.nodeValue ?? '';
    if (!text.includes('@')) continue;
    const email = emailInWords(text.slice(0, MAX_TEXT));
    if (email) return email;
  }
  return undefined;
}

/** A match of `selector` that is `el` or inside it. */
function within(el: Element, selector: string): Element | undefined {
  return (el.matches(selector) ? el : el.querySelector(selector)) ?? undefined;
}

/**
 * The first match in document order inside `root` but outside `skip`, without walking `skip`'s
 * subtree: what comes before it, level by level down its ancestors, then what comes after it.
 */
function aroundSkipping(root: Element, skip: Element, selector: string): Element | undefined {
  const path: Element[] = [];
  for (let el: Element | null = skip; el && el !== root; el = el.parentElement) path.unshift(el);
  let parent = root;
  for (const step of path) {
    for (let c = parent.firstElementChild; c && c !== step; c = c.nextElementSibling) {
      const hit = within(c, selector);
      if (hit) return hit;
    }
    if (step !== skip && step.matches(selector)) return step;
    parent = step;
  }
  for (let i = path.length - 1; i >= 0; i--) {
    for (let c = (path[i] as Element).nextElementSibling; c; c = c.nextElementSibling) {
      const hit = within(c, selector);
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * The first match inside `root` that is not inside `excluded` (a conversation, say). The
 * conversation itself is never walked, so a 5,000-message thread costs nothing; a match that turns
 * out to sit in another `excluded` element (page markup imitating it) forces a full scan.
 */
export function firstOutside(root: Element, selector: string, excluded: string): Element | undefined {
  const skip = root.querySelector(excluded);
  const first = skip ? aroundSkipping(root, skip, selector) : (root.querySelector(selector) ?? undefined);
  if (!first?.closest(excluded)) return first;
  for (const el of root.querySelectorAll(selector)) if (!el.closest(excluded)) return el;
  return undefined;
}

/** A record from parsed JSON, or undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function stringOf(value: unknown, max = 320): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' && value.length <= max ? value.trim() : undefined;
}
