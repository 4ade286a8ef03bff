import { browser } from 'wxt/browser';
import { copyInDocument, fromBackground } from '@/lib/background/clipboard';
import { offscreenProtocol } from '@/lib/shared/protocol';

// WXT's service worker file. (Offscreen documents get messaging only: no runtime.getManifest to ask.)
const workerUrl = new URL('/background.js', location.href).href;

// Only the background talks to this document; it answers nothing but its copy requests.
browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const copy = offscreenProtocol['write-clipboard'].safeParse(message);
  if (!copy.success || !fromBackground(sender, browser.runtime.id, workerUrl)) return undefined;
  sendResponse(copyInDocument(copy.data.text));
  return undefined;
});
