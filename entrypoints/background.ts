import { browser } from 'wxt/browser';
import { backgroundDeps } from '@/lib/background-deps';
import { offscreenCopySchema } from '@/lib/clipboard';
import { handleMenuClick, type MenuClick, type MenuOutcome, menuItems } from '@/lib/context-menu';
import { copyPortalLink, createRouter } from '@/lib/router';

export default defineBackground(() => {
  const deps = backgroundDeps();
  const handle = createRouter(deps);

  // The toolbar button is `browserAction` in the Firefox (MV2) build, `action` elsewhere.
  const toolbar = browser.action ?? browser.browserAction;

  /** Feedback where no page UI can be reached: the action badge (✓ / !) on that tab. */
  async function report(tabId: number | undefined, outcome: MenuOutcome) {
    await toolbar.setBadgeText({ tabId, text: outcome.ok ? '✓' : '!' });
    await toolbar.setBadgeBackgroundColor({ tabId, color: outcome.ok ? '#2b8a3e' : '#c92a2a' });
    await toolbar.setTitle({ tabId, title: outcome.ok ? 'Portal link copied' : outcome.error.message });
  }

  const handlers = {
    async contextMenuClick(info: MenuClick, tab?: { id?: number; url?: string }) {
      const outcome = await handleMenuClick(info, tab?.url, {
        loadSettings: deps.loadSettings,
        copy: (store, customer) => copyPortalLink(deps, store, customer),
      });
      await report(tab?.id, outcome);
      return outcome;
    },
  };

  // Listeners are registered synchronously: a woken worker must find them at once.
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (offscreenCopySchema.safeParse(message).success) return undefined; // for the offscreen document
    void handle(message, sender).then(sendResponse);
    return true;
  });
  browser.contextMenus.onClicked.addListener((info, tab) => void handlers.contextMenuClick(info, tab));
  browser.runtime.onInstalled.addListener(({ reason }) => {
    browser.contextMenus.removeAll(() => {
      for (const item of menuItems) browser.contextMenus.create(item);
    });
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });

  // e2e builds only (`--mode e2e`): the same handlers, reachable by the test driver.
  if (import.meta.env.MODE === 'e2e') Object.assign(globalThis, { __portalLinkTest: handlers });
});
