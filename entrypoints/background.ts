import { browser } from 'wxt/browser';
import { handleCommand } from '@/lib/background/command';
import { handleMenuClick, type MenuClick, menuInstaller } from '@/lib/background/context-menu';
import { backgroundDeps, feedbackDeps, restrictStorage } from '@/lib/background/deps';
import { LINK_KEY_PREFIX, removedLinkKeys } from '@/lib/background/link-service';
import { copyPortalLink, sendPortalLinkEmail } from '@/lib/background/link-source';
import { linkContext } from '@/lib/background/relay';
import { answerOnPort, createRouter, currentSettings, policyChanged } from '@/lib/background/router';
import { reportOutcome } from '@/lib/background/tab-feedback';
import { sendToTab } from '@/lib/shared/messaging-client';
import { offscreenProtocol } from '@/lib/shared/protocol';

export default defineBackground(() => {
  void restrictStorage();
  const deps = backgroundDeps();
  void deps.loadManaged?.(); // at worker start, so the policy is usually known before the first copy
  const handle = createRouter(deps);
  const feedback = feedbackDeps();
  const installMenus = menuInstaller(browser.contextMenus);

  const handlers = {
    async contextMenuClick(info: MenuClick, tab?: { id?: number; url?: string }) {
      const context = linkContext(info.pageUrl ?? tab?.url);
      const outcome = await handleMenuClick(info, tab?.url, {
        loadSettings: () => currentSettings(deps),
        copy: (store, customer) => copyPortalLink(deps, store, customer, { context }),
        email: (store, customer) => sendPortalLinkEmail(deps, store, customer, context),
      });
      const channel = await reportOutcome(outcome, tab?.id, feedback);
      return { ...outcome, channel };
    },
    command(name: string, tab?: { id?: number }) {
      return handleCommand(name, tab, {
        activeTab: async () => (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0],
        sendToTab,
        report: async (tabId, outcome) => void (await reportOutcome(outcome, tabId, feedback)),
      });
    },
  };

  // Listeners are registered synchronously: a woken worker must find them at once.
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (offscreenProtocol['write-clipboard'].safeParse(message).success) return undefined; // for the offscreen document
    void handle(message, sender).then(sendResponse);
    return true;
  });
  browser.runtime.onConnect.addListener((port) => answerOnPort(port, handle));
  browser.contextMenus.onClicked.addListener((info, tab) => void handlers.contextMenuClick(info, tab));
  browser.commands.onCommand.addListener((name, tab) => void handlers.command(name, tab));
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });
  void installMenus();
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'managed') void policyChanged(deps);
    // Any change but the link cache's own writes may change which store or key a copy uses.
    else if (Object.keys(changes).some((key) => !key.startsWith(LINK_KEY_PREFIX))) deps.settingsMemo?.forget();
    // A link removed from the stored copy (session cleared) goes from memory too.
    if (area === 'session') deps.cache.forget(removedLinkKeys(changes));
  });

  // e2e builds only (WXT_E2E=1): the same handlers, reachable by the test driver.
  if (import.meta.env.WXT_E2E === '1') Object.assign(globalThis, { __portalLinkTest: handlers });
});
