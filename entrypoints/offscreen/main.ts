import { browser } from 'wxt/browser';
import { copyInDocument, offscreenCopySchema } from '@/lib/background/clipboard';

// Only the background talks to this document; it answers nothing but copy requests.
browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const copy = offscreenCopySchema.safeParse(message);
  if (!copy.success || sender.id !== browser.runtime.id) return undefined;
  sendResponse(copyInDocument(copy.data.text));
  return undefined;
});
