import { browser } from 'wxt/browser';
import { backgroundDeps } from '@/lib/background-deps';
import { offscreenCopySchema } from '@/lib/clipboard';
import { createRouter } from '@/lib/router';

export default defineBackground(() => {
  const handle = createRouter(backgroundDeps());

  // Listeners are registered synchronously: a woken worker must find them at once.
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (offscreenCopySchema.safeParse(message).success) return undefined; // for the offscreen document
    void handle(message, sender).then(sendResponse);
    return true;
  });

  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });
});
