/**
 * Copying from the document the agent clicked in (popup, inline button): it asks the background for
 * the link only and writes the clipboard itself, which saves the background's offscreen-document
 * round trip. When this document can't write (not focused, the click's activation gone, a page
 * policy forbidding it), the background writes as before.
 */
import type { Send } from './messaging-client';
import type { ReplyOf, RequestOf } from './protocol';

type CopyFields = Omit<RequestOf<'copy-link'>, 'type'>;

/** Whether `doc` may write the clipboard now: focused, with the agent's click still counting. */
export function canCopyHere(doc: Document): boolean {
  const nav = doc.defaultView?.navigator as (Navigator & { userActivation?: { isActive: boolean } }) | undefined;
  return doc.hasFocus() && nav?.userActivation?.isActive === true && typeof nav.clipboard?.writeText === 'function';
}

export async function requestCopy(
  send: Send,
  request: CopyFields,
  doc: Document = document,
): Promise<ReplyOf<'copy-link'>> {
  if (!canCopyHere(doc)) return send('copy-link', request);
  const reply = await send('copy-link', { ...request, copyHere: true });
  if (!reply.ok) return reply;
  try {
    await doc.defaultView?.navigator.clipboard.writeText(reply.url);
    return reply;
  } catch {
    // Served from the link cache: the same link, written by the background this time.
    return send('copy-link', request);
  }
}
