/**
 * Writing the link to the clipboard from the background. Chrome's service worker has no DOM, so an
 * offscreen document (reason CLIPBOARD) does it; Firefox's background page can write directly.
 */

import { PortalLinkError } from '../shared/error-codes';
import type { OffscreenMessage } from '../shared/protocol';

export const OFFSCREEN_PATH = '/offscreen.html';

/**
 * Whether a message reached the offscreen document from our background: our id, no tab (content
 * scripts have one) and the service worker's own URL (extension pages such as the popup have another).
 */
export function fromBackground(
  sender: { id?: string; tab?: unknown; url?: string },
  runtimeId: string,
  workerUrl: string,
): boolean {
  return sender.id === runtimeId && sender.tab === undefined && sender.url === workerUrl;
}

export interface OffscreenApi {
  hasDocument(): Promise<boolean>;
  createDocument(): Promise<void>;
  send(message: OffscreenMessage): Promise<unknown>;
}

/**
 * A clipboard writer over one offscreen document: concurrent copies share the same creation, and
 * once the document answered, later copies skip the getContexts round trip.
 */
export function offscreenClipboard(api: OffscreenApi): (text: string) => Promise<void> {
  let creating: Promise<void> | undefined;
  let documentSeen = false;

  async function ensureDocument(): Promise<void> {
    if (await api.hasDocument()) return;
    creating ??= api.createDocument().finally(() => {
      creating = undefined;
    });
    await creating;
  }

  return async (text) => {
    const message = { target: 'offscreen', type: 'write-clipboard', text } as const;
    let reply: unknown;
    try {
      if (!documentSeen) await ensureDocument();
      reply = await api.send(message);
    } catch {
      // The document may have been closed behind our back: make sure it exists, then try once more.
      reply = undefined;
    }
    if (reply !== true) {
      try {
        await ensureDocument();
        reply = await api.send(message);
      } catch {
        reply = undefined;
      }
    }
    documentSeen = reply === true;
    if (reply !== true) throw new PortalLinkError('clipboard-failed');
  };
}

/** In a document: a textarea + execCommand works without focus or user activation, which extension documents may use. */
export function copyInDocument(text: string, doc: Document = document): boolean {
  const area = doc.createElement('textarea');
  area.value = text;
  doc.body.append(area);
  area.select();
  try {
    return doc.execCommand('copy');
  } finally {
    area.remove();
  }
}
