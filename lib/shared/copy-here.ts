/**
 * Copying from the document the agent clicked in (popup, inline button): it asks the background for
 * the link only and writes the clipboard itself, which saves the background's offscreen-document
 * round trip. When this document can't write (not focused, the click's activation gone, a page
 * policy forbidding it), the background writes as before.
 */
import type { CopyResult, Reply, Request } from './messages';

type CopyRequest = Extract<Request, { type: 'copy-portal-link' }>;

/** Whether `doc` may write the clipboard now: focused, with the agent's click still counting. */
export function canCopyHere(doc: Document): boolean {
  const nav = doc.defaultView?.navigator as (Navigator & { userActivation?: { isActive: boolean } }) | undefined;
  return doc.hasFocus() && nav?.userActivation?.isActive === true && typeof nav.clipboard?.writeText === 'function';
}

export async function requestCopy(
  send: (request: CopyRequest) => Promise<Reply<CopyResult>>,
  request: CopyRequest,
  doc: Document = document,
): Promise<Reply<CopyResult>> {
  if (!canCopyHere(doc)) return send(request);
  const reply = await send({ ...request, copyHere: true });
  if (!reply.ok) return reply;
  try {
    await doc.defaultView?.navigator.clipboard.writeText(reply.url);
    return reply;
  } catch {
    // Served from the link cache: the same link, written by the background this time.
    return send(request);
  }
}
