/**
 * The toolbar action, run for real: CDP `Extensions.triggerAction` (Chromium with
 * --enable-unsafe-extension-debugging over Playwright's pipe) goes through Chromium's own
 * user-action path, so the tab gets the activeTab grant a click on the icon (or on a context-menu
 * item) gives, and the real popup opens attached to that tab. Playwright doesn't list that popup
 * as a page, so it is driven through a raw CDP session.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { Harness } from './extension';

export interface ActionPopup {
  /** Evaluates an expression (awaiting promises) in the popup and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
}

async function browserSession(harness: Harness): Promise<CDPSession> {
  const browser = harness.context.browser();
  if (!browser) throw new Error('no browser behind the persistent context');
  return browser.newBrowserCDPSession();
}

async function targets(session: CDPSession) {
  const { targetInfos } = await session.send('Target.getTargets', { filter: [{ type: 'tab' }, { type: 'page' }] });
  return targetInfos;
}

/** Clicks the toolbar icon for `page`'s tab (its URL must be unique among open tabs) and returns the popup. */
export async function clickAction(harness: Harness, page: Page): Promise<ActionPopup> {
  const session = await browserSession(harness);
  const popupUrl = `chrome-extension://${harness.extensionId}/popup.html`;
  const before = new Set((await targets(session)).map((t) => t.targetId));
  const tab = (await targets(session)).find((t) => t.type === 'tab' && t.url === page.url());
  if (!tab) throw new Error(`no tab target for ${page.url()}`);
  await session.send('Extensions.triggerAction', { id: harness.extensionId, targetId: tab.targetId });

  let popup: Awaited<ReturnType<typeof targets>>[number] | undefined;
  for (let i = 0; i < 100 && !popup; i++) {
    popup = (await targets(session)).find((t) => t.type === 'page' && t.url === popupUrl && !before.has(t.targetId));
    if (!popup) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!popup) throw new Error('the action popup did not open');
  const { sessionId } = await session.send('Target.attachToTarget', { targetId: popup.targetId, flatten: false });

  // A non-flat session: Playwright's CDPSession can't address child sessions, so messages are wrapped.
  type Reply = { id?: number; result?: { result?: { value?: unknown } }; error?: unknown };
  let nextId = 0;
  const pending = new Map<number, (reply: Reply) => void>();
  session.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const reply = JSON.parse(event.message) as Reply;
    if (reply.id !== undefined) pending.get(reply.id)?.(reply);
  });
  return {
    async evaluate<T>(expression: string): Promise<T> {
      const id = ++nextId;
      const reply = await new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        void session.send('Target.sendMessageToTarget', {
          sessionId,
          message: JSON.stringify({
            id,
            method: 'Runtime.evaluate',
            params: { expression, awaitPromise: true, returnByValue: true },
          }),
        });
      });
      if (reply.error) throw new Error(JSON.stringify(reply.error));
      return reply.result?.result?.value as T;
    },
  };
}
