/**
 * Writing the link to the clipboard from the background. Chrome's service worker has no DOM, so an
 * offscreen document (reason CLIPBOARD) does it; Firefox's background page can write directly.
 */

import { PortalLinkError } from '../shared/errors';
import { z } from '../shared/zod';

export const OFFSCREEN_PATH = '/offscreen.html';
export const offscreenCopySchema = z.object({
  target: z.literal('offscreen'),
  type: z.literal('copy'),
  text: z.string(),
});
export type OffscreenCopy = z.infer<typeof offscreenCopySchema>;

export interface OffscreenApi {
  hasDocument(): Promise<boolean>;
  createDocument(): Promise<void>;
  send(message: OffscreenCopy): Promise<unknown>;
}

let creating: Promise<void> | undefined;
/** Known to exist since this worker started: saves a getContexts round trip on every copy. */
let documentSeen = false;

async function ensureDocument(api: OffscreenApi): Promise<void> {
  if (await api.hasDocument()) return;
  creating ??= api.createDocument().finally(() => {
    creating = undefined;
  });
  await creating;
}

/** One offscreen document at a time: concurrent copies share the same creation. */
export async function copyViaOffscreen(text: string, api: OffscreenApi): Promise<void> {
  const message = { target: 'offscreen', type: 'copy', text } as const;
  let reply: unknown;
  try {
    if (!documentSeen) await ensureDocument(api);
    reply = await api.send(message);
  } catch {
    // The document may have been closed behind our back: make sure it exists, then try once more.
    reply = undefined;
  }
  if (reply !== true) {
    try {
      await ensureDocument(api);
      reply = await api.send(message);
    } catch {
      reply = undefined;
    }
  }
  documentSeen = reply === true;
  if (reply !== true) throw new PortalLinkError('clipboard-failed');
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
