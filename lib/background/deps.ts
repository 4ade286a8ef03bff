/** The real browser behind the router's side effects (background only: it touches keys). */
import { type Browser, browser } from 'wxt/browser';
import { defaultHttpDeps } from '../providers/http';
import { managedReader } from '../settings/managed';
import { extensionKey, sealer } from '../settings/sealing';
import { settingsStorage } from '../settings/storage';
import { PortalLinkError } from '../shared/error-codes';
import { t } from '../shared/i18n';
import { sendToTab } from '../shared/messaging-client';
import { copyInDocument, OFFSCREEN_PATH, offscreenClipboard } from './clipboard';
import { sessionLinkCache } from './link-service';
import { relayClient } from './relay';
import type { RouterDeps } from './router';
import { memo } from './settings-memo';
import type { FeedbackDeps } from './tab-feedback';

/** Chrome: the offscreen document writes (one per worker life); Firefox: the background page itself. */
function clipboardWriter(): (text: string) => Promise<void> {
  const offscreen = browser.offscreen;
  if (!offscreen) {
    return async (text) => {
      // Firefox: the background is a page and may write with the clipboardWrite permission.
      if (typeof document !== 'undefined' && copyInDocument(text)) return;
      await navigator.clipboard.writeText(text).catch(() => {
        throw new PortalLinkError('clipboard-failed');
      });
    };
  }
  return offscreenClipboard({
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

/** The router's side effects on the real browser. Building them starts nothing: background.ts wires. */
export function backgroundDeps(): RouterDeps {
  const managed = managedReader(browser.storage.managed);
  const sealing = sealer(extensionKey());
  const settings = settingsStorage(sealing);
  return {
    runtimeId: browser.runtime.id,
    extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
    loadSettings: settings.load,
    saveSettings: settings.save,
    loadManaged: (waitMs) => managed.read(waitMs),
    forgetManaged: () => managed.changed(),
    announce: (message) =>
      browser.runtime.sendMessage(message).then(
        () => undefined,
        () => undefined, // no extension page open to hear it
      ),
    openSettings: () => browser.runtime.openOptionsPage(),
    http: defaultHttpDeps(),
    cache: sessionLinkCache(browser.storage.session),
    // Not kept while the browser has not answered for the policy: the next copy asks again.
    settingsMemo: memo((settings) => !settings.managedPending),
    copy: clipboardWriter(),
    relay: relayClient({
      fetch: (...args) => globalThis.fetch(...args),
      now: () => Date.now(),
      local: browser.storage.local,
      session: browser.storage.session,
      sealer: sealing,
    }),
  };
}

/**
 * Content scripts may neither read nor write our storage where the browser allows that: Chromium
 * (measured in 150) honours TRUSTED_CONTEXTS on `local` and `session` and keeps it across restarts;
 * Firefox ESR 140 has no setAccessLevel (its content scripts can read and write `storage.local`, not
 * `storage.session`), so there sealing alone keeps the secrets (docs/security.md).
 */
export async function restrictStorage(): Promise<void> {
  for (const area of [browser.storage.local, browser.storage.session]) {
    const restrict = (area as { setAccessLevel?: (options: { accessLevel: string }) => Promise<void> }).setAccessLevel;
    await restrict?.call(area, { accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => undefined);
  }
}

/** A 32 px dot in the brand colour: notifications need an icon, and this needs no packaged file. */
const NOTIFICATION_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAaElEQVR42u3XsQ3AIAxEUfZilIzOMD91pCiCYOMrrvgl0us4t36NVtnqAyYLBbDZFoCgfgEIbglAUlMAkvsEcKhXAIcz4AGgKAMMMMAAHYD/AglA+SCRmGQSo1RilkscJhKnmcRxmtoNZ7OllbR4YwMAAAAASUVORK5CYII=';

export function feedbackDeps(): FeedbackDeps {
  return {
    async showInPage(tabId, feedback) {
      // Only our content script answers (helpdesk pages); elsewhere nothing listens and this rejects.
      const reply = await sendToTab(tabId, { type: 'show-feedback', ...feedback });
      return (reply as { shown?: unknown } | undefined)?.shown === true;
    },
    async setBadge(tabId, badge) {
      // Firefox's MV2 build has browserAction, with the same badge calls.
      const action = browser.action ?? browser.browserAction;
      await action.setBadgeText({ tabId, text: badge.text });
      await action.setBadgeBackgroundColor({ tabId, color: badge.color });
      await action.setTitle({ tabId, title: badge.title });
    },
    async notify(message) {
      await browser.notifications.create({
        type: 'basic',
        iconUrl: NOTIFICATION_ICON,
        title: t('extName'),
        message,
      });
    },
  };
}
