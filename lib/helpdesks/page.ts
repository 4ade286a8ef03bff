/** Small, pure readers shared by the helpdesk detectors (content-script code: no zod). */
import { normalizeEmail } from '../shared/customer';

const MAX_TEXT = 500;

/** Trimmed text of a small element, bounded (names and emails, never a conversation). */
export function textOf(el: Element | null | undefined): string | undefined {
  const text = el?.textContent?.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
  return text || undefined;
}

/** The email an element shows: its `mailto:` link first, else the first email-shaped word of its text. */
export function emailIn(el: Element | null | undefined): string | undefined {
  if (!el) return undefined;
  const link = el.matches('a[href^="mailto:" i]') ? el : el.querySelector('a[href^="mailto:" i]');
  const fromLink = link ? normalizeEmail(link.getAttribute('href') ?? '') : undefined;
  if (fromLink) return fromLink;
  for (const word of (textOf(el) ?? '').split(/[\s<>()[\],;"']+/)) {
    const email = normalizeEmail(word);
    if (email) return email;
  }
  return undefined;
}

/**
 * The first match inside `root` that is not inside `excluded` (a conversation, say). The common
 * case, a first match outside, costs one `querySelector`; only an imitation forces a full scan.
 */
export function firstOutside(root: ParentNode, selector: string, excluded: string): Element | undefined {
  const first = root.querySelector(selector);
  if (first === null) return undefined;
  if (!first.closest(excluded)) return first;
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
