/** Driving helpdesk pages with the extension's in-page UI (the button's, the menu's and the toast's shadow roots are closed: support/shadow.ts). */
import type { Page } from 'playwright-core';
import type { RecordedRequest } from '../../fixtures/mock-server';
import type { ChromeGlobal, Harness } from './extension';
import { inPageButton, type ToastRegion, toastRegion } from './shadow';

/**
 * The in-page toast after a copy: whom the link is for, then the expiry's time, with the date when it
 * is not today (late in the day).
 */
export const COPIED_TOAST = /^Portal link for \S+ copied · expires (\d{1,2} [A-Za-z]{3} )?\d{2}:\d{2}$/;

export async function openHelpdeskPage(harness: Harness, url: string): Promise<Page> {
  const page = await harness.context.newPage();
  await page.goto(url);
  return page;
}

/** The in-page "Copy portal link" button (its shadow root is closed: driven from the content script's world). */
export function inlineButton(page: Page) {
  return inPageButton(page, 'Copy portal link');
}

/** The in-page toast's region (its shadow root is closed: read in the content script's world, support/shadow.ts). */
export function toast(page: Page, role: 'status' | 'alert'): ToastRegion {
  return toastRegion(page, role);
}

/** Which customer a provider request asked for (Appstle query string; `emailId` on manage-subscription-link). */
export function appstleLookup(request: RecordedRequest | undefined): { email?: string; customerId?: string } {
  const params = new URL(request?.path ?? '/', 'https://x').searchParams;
  const email = params.get('email') ?? params.get('emailId');
  return {
    ...(email ? { email } : {}),
    ...(params.get('customerId') ? { customerId: params.get('customerId') as string } : {}),
  };
}

/** The tab id of a page, as the extension sees it (the page is brought to front first). */
export async function tabIdOf(harness: Harness, page: Page): Promise<number> {
  await page.bringToFront();
  const worker = await harness.currentWorker();
  return worker.evaluate(async () => {
    const [tab] = await (globalThis as unknown as ChromeGlobal).chrome.tabs.query({
      active: true,
      lastFocusedWindow: true,
    });
    return tab.id as number;
  });
}

/**
 * Presses the shortcut as far as a test can: fires the browser's real `commands.onCommand` event
 * with that tab (Chromium calls the extension's registered listeners).
 */
export async function pressShortcut(harness: Harness, page: Page, name = 'copy-portal-link'): Promise<void> {
  const tabId = await tabIdOf(harness, page);
  const worker = await harness.currentWorker();
  await worker.evaluate(
    ({ name, tabId }) =>
      (globalThis as unknown as ChromeGlobal).chrome.commands.onCommand.dispatch(name, { id: tabId }),
    { name, tabId },
  );
}

/** The badge text and title the extension set on a tab. */
export async function badgeOf(harness: Harness, tabId: number): Promise<{ text: string; title: string }> {
  const worker = await harness.currentWorker();
  return worker.evaluate(async (tabId) => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    return { text: await chrome.action.getBadgeText({ tabId }), title: await chrome.action.getTitle({ tabId }) };
  }, tabId);
}
