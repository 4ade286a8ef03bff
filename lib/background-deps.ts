/** The real browser behind the router's side effects (background only: it touches keys). */
import { type Browser, browser } from 'wxt/browser';
import { copyInDocument, copyViaOffscreen, OFFSCREEN_PATH } from './clipboard';
import { PortalLinkError } from './errors';
import { defaultHttpDeps } from './http';
import { sessionLinkCache } from './link-service';
import type { RouterDeps } from './router';
import { loadSettings, saveSettings } from './settings-storage';

async function copy(text: string): Promise<void> {
  const offscreen = browser.offscreen;
  if (!offscreen) {
    // Firefox: the background is a page and may write with the clipboardWrite permission.
    if (typeof document !== 'undefined' && copyInDocument(text)) return;
    await navigator.clipboard.writeText(text).catch(() => {
      throw new PortalLinkError('clipboard-failed');
    });
    return;
  }
  await copyViaOffscreen(text, {
    hasDocument: async () =>
      (await browser.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType] }))
        .length > 0,
    createDocument: () =>
      offscreen.createDocument({
        url: OFFSCREEN_PATH,
        reasons: ['CLIPBOARD' as Browser.offscreen.Reason],
        justification: 'Write the portal link the agent asked for to the clipboard.',
      }),
    send: (message) => browser.runtime.sendMessage(message),
  });
}

export function backgroundDeps(): RouterDeps {
  return {
    runtimeId: browser.runtime.id,
    extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
    loadSettings,
    saveSettings,
    http: defaultHttpDeps(),
    cache: sessionLinkCache(browser.storage.session),
    copy,
  };
}
