import { browser } from 'wxt/browser';
import { backgroundDeps } from '@/lib/background-deps';
import { offscreenCopySchema } from '@/lib/clipboard';
import { handleCommand } from '@/lib/command';
import { handleMenuClick, type MenuClick, type MenuOutcome, menuItems } from '@/lib/context-menu';
import { copyPortalLink, createRouter } from '@/lib/router';

export default defineBackground(() => {
  const deps = backgroundDeps();
  const handle = createRouter(deps);

  /** Feedback where no page UI can be reached: the action badge (✓ / !) on that tab. */
  async function report(tabId: number | undefined, outcome: MenuOutcome) {
    await browser.action.setBadgeText({ tabId, text: outcome.ok ? '✓' : '!' });
    await browser.action.setBadgeBackgroundColor({ tabId, color: outcome.ok ? '#2b8a3e' : '#c92a2a' });
    await browser.action.setTitle({ tabId, title: outcome.ok ? 'Portal link copied' : outcome.error.message });
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
    command(name: string, tab?: { id?: number }) {
      return handleCommand(name, tab, {
        activeTab: async () => (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0],
        sendToTab: (tabId, message) => browser.tabs.sendMessage(tabId, message, { frameId: 0 }),
        report,
      });
    },
  };

  // Listeners are registered synchronously: a woken worker must find them at once.
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (offscreenCopySchema.safeParse(message).success) return undefined; // for the offscreen document
    void handle(message, sender).then(sendResponse);
    return true;
  });
  browser.contextMenus.onClicked.addListener((info, tab) => void handlers.contextMenuClick(info, tab));
  browser.commands.onCommand.addListener((name, tab) => void handlers.command(name, tab));
  browser.runtime.onInstalled.addListener(({ reason }) => {
    browser.contextMenus.removeAll(() => {
      for (const item of menuItems) browser.contextMenus.create(item);
    });
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });

  // e2e builds only (WXT_E2E=1): the same handlers, reachable by the test driver.
  if (import.meta.env.WXT_E2E === '1') Object.assign(globalThis, { __portalLinkTest: handlers });
});
