/**
 * The context menu in real Chromium, production build: Playwright can't open native menus, so the
 * extension's own registered listener is fired with `chrome.contextMenus.onClicked.dispatch(info,
 * tab)` from the worker, which Chromium allows. A real menu click also grants activeTab; here the grant
 * comes from the real toolbar action (support/action.ts), the same grant through the same path.
 */
import type { Page } from 'playwright-core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  APPSTLE_KEY,
  expectedAppstleUrlPrefix,
  GIGSTACK_KEY,
  mockAppstle,
  mockGigstack,
  type ProviderMock,
} from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { servePages } from '../fixtures/pages';
import { clickAction } from './support/action';
import { type ChromeGlobal, type Harness, launchExtension } from './support/extension';
import { finishAfterAll } from './support/secrets';
import { appstleStore, gigstackStore } from './support/settings';
import { toastRegion } from './support/shadow';

let server: MockServer;
let appstle: ProviderMock;
let gigstack: ProviderMock;
let harness: Harness;
let serial = 0;

const SENTINEL = 'clipboard before the menu click';

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  gigstack = mockGigstack(server);
  servePages(server);
  harness = await launchExtension(server);
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

beforeEach(async () => {
  appstle.reset();
  gigstack.reset();
  await harness.setSettings({
    stores: [
      appstleStore({ id: 'store-a', name: 'Acme', helpdeskHosts: ['acme.zendesk.com'] }),
      gigstackStore({ id: 'store-b', name: 'Beta MX', helpdeskHosts: ['beta.zendesk.com'] }),
    ],
    defaultStoreId: 'store-a',
  });
  await harness.clearLinkCache();
  await harness.writeClipboard(SENTINEL);
});

/** A fresh tab on `url` (made unique, so the tab can be told apart from earlier ones). */
async function openTab(url: string): Promise<Page> {
  const page = await harness.context.newPage();
  await page.goto(`${url}${url.includes('?') ? '&' : '?'}t=${++serial}`);
  return page;
}

/**
 * The tab id of the page Playwright has in front: the tab showing its (unique) URL where the
 * extension may see it (activeTab granted), else the focused window's active tab. The toolbar popup
 * a test opened can hold the focus for a while on a loaded machine, so both are asked until one answers.
 */
async function frontTabId(page: Page): Promise<number> {
  await page.bringToFront();
  const worker = await harness.currentWorker();
  return worker.evaluate(async (url) => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    for (let tries = 0; ; tries++) {
      const all: { id?: number; url?: string }[] = await chrome.tabs.query({});
      const [front] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      const id = all.find((tab) => tab.url === url)?.id ?? front?.id;
      if (id !== undefined || tries > 50) return id as number;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, page.url());
}

/** Fires the extension's real onClicked listeners as Chromium does for a click in `page`. */
async function menuClick(page: Page, info: Record<string, unknown>) {
  const tabId = await frontTabId(page);
  const worker = await harness.currentWorker();
  await worker.evaluate(
    async ({ info, tabId }) => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      chrome.contextMenus.onClicked.dispatch(info, await chrome.tabs.get(tabId));
    },
    { info: { editable: false, frameId: 0, pageUrl: page.url(), ...info }, tabId },
  );
  return tabId;
}

const selection = (text: string) => ({ menuItemId: 'copy-portal-link-selection', selectionText: text });
const mailtoLink = (href: string) => ({ menuItemId: 'copy-portal-link-mailto', linkUrl: href });

/** On a helpdesk tab the outcome is our content script's own toast (nothing is injected into pages). */
function toast(page: Page, role: 'status' | 'alert') {
  return toastRegion(page, role);
}

/** The toolbar button on a tab: the badge and its title. */
async function badge(tabId: number): Promise<{ text: string; title: string }> {
  const worker = await harness.currentWorker();
  return worker.evaluate(async (id) => {
    const { chrome } = globalThis as unknown as ChromeGlobal;
    return {
      text: await chrome.action.getBadgeText({ tabId: id }),
      title: await chrome.action.getTitle({ tabId: id }),
    };
  }, tabId);
}

/**
 * The messages of the notifications the extension created since the file started (recorded in the
 * worker around the real `notifications.create`; Chromium may close a shown one at any time).
 */
async function notifications(): Promise<string[]> {
  const worker = await harness.currentWorker();
  return worker.evaluate(() => {
    const g = globalThis as unknown as ChromeGlobal & { __notes?: string[] };
    if (!g.__notes) {
      const notes: string[] = [];
      const create = g.chrome.notifications.create.bind(g.chrome.notifications);
      g.chrome.notifications.create = (...args: { message?: string }[]) => {
        notes.push(String(args.at(-1)?.message ?? args.at(-2)?.message));
        return create(...args);
      };
      g.__notes = notes;
    }
    return [...g.__notes];
  });
}

/** Everything the page's DOM gained from us: elements with our markers (none may be there). */
const ourElements = (page: Page) =>
  page.evaluate(() => document.querySelectorAll('[id^="portal-link"], [data-portal-link]').length);

async function clipboardChanged(): Promise<string> {
  let text = SENTINEL;
  await expect
    .poll(async () => {
      text = await harness.readClipboard();
      return text;
    })
    .not.toBe(SENTINEL);
  return text;
}

describe('context menu items', () => {
  it('are created on install with the contract titles (update() resolves only for existing items)', async () => {
    const worker = await harness.currentWorker();
    const probe = (id: string) =>
      worker.evaluate(
        (menuId) =>
          (globalThis as unknown as ChromeGlobal).chrome.contextMenus.update(menuId, {}).then(
            () => 'exists',
            () => 'missing',
          ),
        id,
      );
    expect(await probe('copy-portal-link-selection')).toBe('exists');
    expect(await probe('copy-portal-link-mailto')).toBe('exists');
    expect(await probe('no-such-item')).toBe('missing');
  });
});

describe('copy by selection and by mailto link', () => {
  it('a selection on an acme.zendesk.com ticket uses store A (Appstle), copies, and toasts in the page', async () => {
    const page = await openTab('https://acme.zendesk.com/agent/tickets/101');
    await clickAction(harness, page); // the activeTab grant a real menu click gives
    const before = appstle.requests().length;
    await menuClick(page, selection('  jane@example.com\n'));

    const link = await clipboardChanged();
    expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    const seen = appstle.requests().slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['x-api-key']).toBe(APPSTLE_KEY);
    expect(new URL(seen[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe('jane@example.com');
    expect(gigstack.requests()).toHaveLength(0);

    await expect
      .poll(() => toast(page, 'status').textContent())
      .toMatch(/^Portal link for jane@example\.com copied · expires /);
    // The link itself never enters the page.
    expect(await page.evaluate(() => document.documentElement.outerHTML)).not.toContain('token=');
    await page.close();
  });

  it('a selection on a beta.zendesk.com ticket uses store B (gigstack, Bearer key)', async () => {
    const page = await openTab('https://beta.zendesk.com/agent/tickets/202');
    await clickAction(harness, page);
    const before = gigstack.requests().length;
    await menuClick(page, selection('client_jane01'));

    const link = await clipboardChanged();
    expect(link).toMatch(/^https:\/\/portal\.gigstack\.io\/session\/ps_client_jane01_/);
    const seen = gigstack.requests().slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${GIGSTACK_KEY}`);
    expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual({ id: 'client_jane01' });
    await expect.poll(() => toast(page, 'status').textContent()).toMatch(/^Portal link for client_jane01 copied/);
    await page.close();
  });

  it('a mailto: link on an unmapped page uses the default store', async () => {
    const page = await openTab('https://shop-notes.myshopify.com/notes');
    await clickAction(harness, page);
    const before = appstle.requests().length;
    const href = (await page.locator('#mail').getAttribute('href')) ?? '';
    const tabId = await menuClick(page, mailtoLink(href));

    const link = await clipboardChanged();
    expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    const seen = appstle.requests().slice(before);
    expect(new URL(seen[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe('jane@example.com');
    await expect.poll(async () => (await badge(tabId)).title).toMatch(/^Portal link for jane@example\.com copied/);
    await page.close();
  });

  it('a mailto: link with a subject on a mapped ticket copies for its first address only', async () => {
    const page = await openTab('https://acme.zendesk.com/agent/tickets/303');
    await clickAction(harness, page);
    const before = appstle.requests().length;
    await menuClick(page, mailtoLink((await page.locator('#mail').getAttribute('href')) ?? ''));
    await clipboardChanged();
    const seen = appstle.requests().slice(before);
    expect(new URL(seen[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe('bob.requester@example.org');
    await page.close();
  });

  it.each(['write to jane@example.com today', 'hello', '+52 55 1234 5678'])(
    'an invalid selection %j makes no request and says why in the page',
    async (text) => {
      const page = await openTab('https://acme.zendesk.com/agent/tickets/404');
      await clickAction(harness, page);
      const before = server.requests.length;
      await menuClick(page, selection(text));
      await expect
        .poll(() => toast(page, 'alert').textContent())
        .toBe('That is not an email address or a customer ID. Check it and try again.');
      const providerCalls = server.requests
        .slice(before)
        .filter((r) => r.host === 'subscription-admin.appstle.com' || r.host === 'api.gigstack.io');
      expect(providerCalls).toHaveLength(0);
      expect(await harness.readClipboard()).toBe(SENTINEL);
      await page.close();
    },
  );
});

describe('on a page that is not a helpdesk: the extension’s own surfaces, never the page', () => {
  it('a page that rewrites whatever we add can’t fake the confirmation: nothing is added; badge, title, notification', async () => {
    const page = await openTab('https://shop-notes.myshopify.com/hostile');
    // The hostile page renames any confirmation we would add to it (open shadow roots included).
    await page.evaluate(() => {
      const forge = () => {
        for (const host of document.querySelectorAll('[id^="portal-link"], [data-portal-link]')) {
          for (const el of host.shadowRoot?.querySelectorAll('[role]') ?? []) {
            el.textContent = 'Portal link for attacker@evil.example copied';
          }
        }
      };
      new MutationObserver(forge).observe(document.documentElement, { childList: true, subtree: true });
    });
    await clickAction(harness, page); // activeTab granted, as a real menu click would
    const notes = (await notifications()).length;
    const tabId = await menuClick(page, mailtoLink('mailto:jane@example.com'));
    await clipboardChanged();
    const said = expect.stringMatching(/^Portal link for jane@example\.com copied · expires /);
    await expect.poll(() => badge(tabId)).toEqual({ text: '✓', title: said });
    await expect.poll(async () => (await notifications()).slice(notes)).toEqual([said]);
    expect(await ourElements(page)).toBe(0);
    await page.close();
  });

  it('failure: the ! badge (its title says why) and a notification', async () => {
    appstle.fail({ status: 401, body: { title: 'Unauthorized', status: 401 } });
    const page = await openTab('https://shop-notes.myshopify.com/no-grant-error');
    const notes = (await notifications()).length;
    const tabId = await menuClick(page, selection('12345'));
    await expect.poll(async () => (await badge(tabId)).text).toBe('!');
    const title = (await badge(tabId)).title;
    expect(title).toMatch(/rejected the API key/);
    await expect.poll(async () => (await notifications()).slice(notes)).toEqual([title]);
    expect(await harness.readClipboard()).toBe(SENTINEL);
    await page.close();
  });

  it('no key or link appears in any console line', () => {
    const lines = harness.consoleLines.join('\n');
    expect(lines).not.toContain(APPSTLE_KEY);
    expect(lines).not.toContain(GIGSTACK_KEY);
    expect(lines).not.toContain('token=');
  });
});
