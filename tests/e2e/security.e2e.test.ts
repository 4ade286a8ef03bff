/**
 * The page is hostile: its own scripts try to make the extension copy, to learn the key,
 * to get markup rendered, and to trick the agent into clicking a hidden or covered button. None of
 * it may reach the provider or the clipboard; every console stays free of keys and links.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOSTILE, JANE, mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { APPSTLE_KEY, expectedAppstleUrlPrefix, mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type ChromeGlobal, type Harness, launchExtension } from './support/extension';
import { appstleLookup, COPIED_TOAST, openHelpdeskPage, tabIdOf, toast } from './support/helpdesk';
import { expectNoSecretsLogged, leakedSecrets } from './support/secrets';
import { appstleStore } from './support/settings';
import { countInToast, inPageButton, inPageUi } from './support/shadow';

let server: MockServer;
let appstle: ProviderMock;
let harness: Harness;
let page: Page | undefined;
/** Links the run put on the clipboard: none may show up in a log either. */
const issued: string[] = [];

const SENTINEL = 'clipboard before the attack';
const ticketUrl = (id: number) => `https://${ZENDESK_HOST}/agent/tickets/${id}`;
const REAL = '[data-portal-link="button"]:not(#fake)';

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  mockZendesk(server);
  harness = await launchExtension(server);
});

afterAll(async () => {
  if (harness) expectNoSecretsLogged(harness, issued);
  await harness?.close();
  await server?.close();
});

beforeEach(async () => {
  appstle.reset();
  await harness.setSettings({ stores: [appstleStore()] });
  await harness.clearLinkCache();
  await harness.writeClipboard(SENTINEL);
});

afterEach(async () => {
  await page?.close();
  page = undefined;
});

async function openTicket(id: number): Promise<Page> {
  const p = await openHelpdeskPage(harness, ticketUrl(id));
  await expect.poll(() => p.locator(REAL).count()).toBe(1);
  return p;
}

/** Nothing reached the provider or the clipboard since `before` (after a moment for stragglers). */
async function expectNothingCopied(before: number) {
  await new Promise((resolve) => setTimeout(resolve, 700));
  expect(appstle.requests().length).toBe(before);
  expect(await harness.readClipboard()).toBe(SENTINEL);
}

/** Everything our toast says right now (empty regions are hidden, so role locators can't see them). */
async function toastWords(p: Page): Promise<string> {
  return ((await toast(p, 'status').textContent()) ?? '') + ((await toast(p, 'alert').textContent()) ?? '');
}

async function copyForReal(p: Page): Promise<string[]> {
  const before = appstle.requests().length;
  await inPageButton(p, 'Copy portal link', REAL).click();
  await expect.poll(() => toast(p, 'status').textContent()).toMatch(COPIED_TOAST);
  const link = await harness.readClipboard();
  issued.push(link);
  expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
  return appstle
    .requests()
    .slice(before)
    .map((r) => appstleLookup(r).email ?? '');
}

describe('the page’s scripts can’t make the extension copy', () => {
  it('window.postMessage shaped like our messages or like WXT’s', async () => {
    page = await openTicket(101);
    const before = appstle.requests().length;
    await page.evaluate((id) => {
      const shapes: unknown[] = [
        { type: 'copy-link', customer: 'jane@example.com' },
        { type: 'copy-link', customer: { email: 'jane@example.com' }, storeId: 'store-a' },
        { type: 'copy-detected-link' },
        { type: 'get-detected-customer' },
        { type: 'get-settings' },
        { type: 'save-settings', settings: { stores: [] } },
        { type: `${id}:zendesk:wxt:content-script-started`, contentScriptName: 'zendesk', messageId: 'page' },
        { type: 'wxt:locationchange', newUrl: '/agent/tickets/102' },
      ];
      for (const shape of shapes) window.postMessage(shape, '*');
    }, harness.extensionId);
    await expectNothingCopied(before);
    expect(await page.locator(REAL).count()).toBe(1);
  });

  it('forged WXT location events can’t move the button to another customer', async () => {
    page = await openTicket(101);
    const before = appstle.requests().length;
    await page.evaluate((id) => {
      for (const name of ['wxt:locationchange', `${id}:zendesk:wxt:locationchange`]) {
        const event = new CustomEvent(name, { detail: { newUrl: `${location.origin}/agent/tickets/102` } });
        Object.assign(event, { newUrl: new URL('/agent/tickets/102', location.origin) });
        window.dispatchEvent(event);
        document.dispatchEvent(new CustomEvent(name, { detail: { newUrl: 'javascript:alert(1)' } }));
      }
    }, harness.extensionId);
    await expectNothingCopied(before);
    // Still in ticket 101's layout, and a real click still copies 101's requester.
    expect(await page.locator(`[data-test-id="ticket-101-custom-layout"] ${REAL}`).count()).toBe(1);
    expect(await copyForReal(page)).toEqual([JANE.email]);
  });

  it('a forged WXT "newer script started" event does nothing: the button stays and works', async () => {
    page = await openTicket(101);
    const before = appstle.requests().length;
    await page.evaluate((id) => {
      document.dispatchEvent(
        new CustomEvent(`${id}:zendesk:wxt:content-script-started`, {
          detail: { contentScriptName: 'zendesk', messageId: 'from-the-page' },
        }),
      );
    }, harness.extensionId);
    await expectNothingCopied(before);
    // WXT's own context trusted that event and aborted (the UI went); ours (lib/content/context.ts)
    // listens for no page event at all.
    expect(await page.locator(REAL).count()).toBe(1);
    expect(await copyForReal(page)).toEqual([JANE.email]);
  });

  it('a look-alike button the page inserts does nothing; ours stays the only real one', async () => {
    page = await openTicket(101);
    const before = appstle.requests().length;
    await page.evaluate(() => {
      const fake = document.createElement('span');
      fake.id = 'fake';
      fake.setAttribute('data-portal-link', 'button');
      fake.className = 'portal-link';
      const button = document.createElement('button');
      button.textContent = 'Copy portal link';
      button.addEventListener('click', () => Object.assign(window, { fakeClicked: true }));
      fake.attachShadow({ mode: 'open' }).append(button);
      document
        .querySelector(
          '[data-test-id="ticket-101-custom-layout"] [data-test-id="ticket-system-field-requester-select"]',
        )
        ?.after(fake);
    });
    await page.locator('#fake').getByRole('button').click();
    expect(await page.evaluate(() => (window as { fakeClicked?: boolean }).fakeClicked)).toBe(true);
    await expectNothingCopied(before);
    expect(await toastWords(page)).toBe('');
    await expect.poll(() => page?.locator(REAL).count()).toBe(1);
    expect(await copyForReal(page)).toEqual([JANE.email]);
  });

  it('a script can’t reach our real button (closed root: shadowRoot is null), so it can’t click or relabel it', async () => {
    page = await openTicket(101);
    await expect.poll(() => inPageButton(page as Page, 'Copy portal link', REAL).count()).toBe(1);
    const before = appstle.requests().length;
    const reached = await page.evaluate((selector) => {
      const button = document.querySelector(selector)?.shadowRoot?.querySelector('button');
      button?.setAttribute('aria-label', 'Claim your prize');
      button?.click();
      button?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      button?.focus();
      button?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      return button !== null && button !== undefined;
    }, REAL);
    expect(reached).toBe(false);
    await expectNothingCopied(before);
    expect(await toastWords(page)).toBe('');
    // (A scripted click is also ignored: `isTrusted`, tests/unit/content-runtime.test.ts.)
    expect(await inPageButton(page, 'Copy portal link', REAL).count()).toBe(1);
  });

  // Storage a content script can read is tried in keys-at-rest.e2e (the page's own localStorage never held it).
  it('the page never sees the key: not in the DOM, not in any global', async () => {
    page = await openTicket(101);
    await copyForReal(page);
    const exposed = await page.evaluate((key) => {
      const walk = (root: Document | ShadowRoot): string =>
        [...root.querySelectorAll('*')].map((el) => (el.shadowRoot ? walk(el.shadowRoot) : '') + el.outerHTML).join('');
      return {
        dom: walk(document).includes(key),
        globals: Object.keys(window).some((k) => {
          try {
            return JSON.stringify((window as unknown as Record<string, unknown>)[k])?.includes(key) ?? false;
          } catch {
            return false;
          }
        }),
      };
    }, APPSTLE_KEY);
    expect(exposed).toEqual({ dom: false, globals: false });
  });
});

describe('the offscreen clipboard document obeys the service worker only', () => {
  it('an extension page’s copy request is ignored; the worker’s is done; an overlong text is refused', async () => {
    const worker = await harness.currentWorker();
    const offscreenCopy = (text: string) => ({ target: 'offscreen', type: 'write-clipboard', text });
    // The document exists (as after any copy the background makes).
    await worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      const open = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
      if (open.length === 0) {
        await chrome.offscreen.createDocument({ url: 'offscreen.html', reasons: ['CLIPBOARD'], justification: 'test' });
      }
    });

    const popup = await harness.open('popup.html');
    const fromPage = await popup.evaluate(
      (message) => (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage(message),
      offscreenCopy('written by another extension page'),
    );
    await popup.close();
    expect(fromPage ?? null).toBeNull();
    expect(await harness.readClipboard()).toBe(SENTINEL);

    // No answer at all is "Receiving end does not exist" here: counted as "not done".
    const send = (message: unknown) =>
      worker.evaluate(
        (m) => (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage(m).catch(() => 'no answer'),
        message,
      );
    expect(await send(offscreenCopy('x'.repeat(4097)))).not.toBe(true);
    expect(await harness.readClipboard()).toBe(SENTINEL);
    expect(await send(offscreenCopy('written by the worker'))).toBe(true);
    expect(await harness.readClipboard()).toBe('written by the worker');
  });
});

describe('page-supplied text stays text', () => {
  it('a requester named <img onerror> and javascript: links in comments never run', async () => {
    page = await openTicket(108);
    expect(await copyForReal(page)).toEqual([HOSTILE.email]);
    // The toast shows our words only, as text.
    expect(await countInToast(page, 'img, a, script')).toBe(0);
    expect(await toast(page, 'status').textContent()).toMatch(COPIED_TOAST);

    await page.bringToFront();
    const popup = await harness.open('popup.html');
    const card = popup.getByRole('region', { name: 'Customer on this ticket' });
    await expect.poll(() => card.textContent()).toContain(HOSTILE.name);
    expect(await card.locator('img').count()).toBe(0);
    expect(await popup.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    await popup.close();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  });
});

describe('the confirmation that names the customer is closed to the page', () => {
  it('a page script can neither read the toast (shadowRoot is null) nor rewrite it to name someone else', async () => {
    page = await openTicket(101);
    // The page renames every confirmation it can reach, as soon as it appears and whenever it changes.
    await page.evaluate(() => {
      const forged = 'Portal link for attacker@evil.example copied · expires 23:59';
      const watched = new WeakSet<ShadowRoot>();
      const forge = () => {
        for (const host of document.querySelectorAll('[data-portal-link]')) {
          const root = host.shadowRoot;
          if (!root) continue;
          if (!watched.has(root)) {
            watched.add(root);
            new MutationObserver(forge).observe(root, { childList: true, subtree: true, characterData: true });
          }
          for (const el of root.querySelectorAll('[role="status"]'))
            if (el.textContent && el.textContent !== forged) el.textContent = forged;
        }
      };
      new MutationObserver(forge).observe(document.documentElement, { childList: true, subtree: true });
    });
    expect(await copyForReal(page)).toEqual([JANE.email]);
    expect(await toast(page, 'status').textContent()).toMatch(new RegExp(`^Portal link for ${JANE.email} copied`));
    const seen = await page.evaluate(() => {
      const host = document.querySelector('[data-portal-link="toast"]');
      return { host: host !== null, shadowRoot: host?.shadowRoot ?? null, text: host?.textContent ?? null };
    });
    expect(seen).toEqual({ host: true, shadowRoot: null, text: '' });
  });
});

describe('the ▾ menu is closed to the page', () => {
  it('a page script can neither read the menu (shadowRoot is null) nor relabel its items', async () => {
    page = await openTicket(101);
    // The page swaps the items' words wherever it can reach them, so "Insert into reply" would email.
    await page.evaluate(() => {
      const swap: Record<string, string> = {
        'Insert into reply': 'Email portal link',
        'Email portal link': 'Insert into reply',
      };
      const relabel = () => {
        const root = document.querySelector('[data-portal-link="menu"]')?.shadowRoot;
        for (const el of root?.querySelectorAll('[role="menuitem"]') ?? [])
          if (!el.hasAttribute('data-forged')) {
            el.setAttribute('data-forged', '');
            el.textContent = swap[el.textContent ?? ''] ?? 'forged';
          }
      };
      new MutationObserver(relabel).observe(document.documentElement, {
        childList: true,
        subtree: true,
        attributes: true,
      });
    });
    await inPageButton(page, 'More portal link actions').click();
    const menu = inPageUi(page);
    await expect
      .poll(async () => (await menu.menuItems()).map((i) => i.name))
      .toEqual(['Insert into reply', 'Email portal link']);
    const seen = await page.evaluate(() => {
      const host = document.querySelector('[data-portal-link="menu"]');
      return {
        host: host !== null,
        shadowRoot: host?.shadowRoot ?? null,
        items: document.querySelectorAll('[role="menuitem"]').length,
      };
    });
    expect(seen).toEqual({ host: true, shadowRoot: null, items: 0 });
  });
});

describe('clickjacking: a covered or faded button refuses to act', () => {
  const COVERED = /covered by something on the page.*Scroll or close the overlay and try again/;

  /** Lays a page element over our button; returns the button's centre. */
  async function overlay(p: Page, pointerEvents: 'auto') {
    const box = await p.locator(REAL).boundingBox();
    if (!box) throw new Error('no button');
    await p.evaluate(
      ({ box, pointerEvents, selector }) => {
        const decoy = document.createElement('div');
        decoy.id = 'decoy';
        decoy.textContent = 'Claim your prize';
        Object.assign(decoy.style, {
          position: 'fixed',
          left: `${box.x - 10}px`,
          top: `${box.y - 10}px`,
          width: `${box.width + 20}px`,
          height: `${box.height + 20}px`,
          background: 'white',
          zIndex: '2147483647',
          pointerEvents,
        });
        // The hostile page forwards clicks on its decoy to our button.
        decoy.addEventListener('click', () =>
          document.querySelector(selector)?.shadowRoot?.querySelector('button')?.click(),
        );
        document.body.append(decoy);
      },
      { box, pointerEvents, selector: REAL },
    );
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  it('an overlay that takes the click (pointer-events: auto): the forwarded click and Enter do nothing', async () => {
    page = await openTicket(101);
    const before = appstle.requests().length;
    const centre = await overlay(page, 'auto');
    await page.mouse.click(centre.x, centre.y);
    await expectNothingCopied(before);
    // The agent tabs to the hidden button and presses Enter: a real activation, but covered.
    await inPageButton(page, 'Copy portal link', REAL).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => toast(page as Page, 'alert').textContent()).toMatch(COVERED);
    await expectNothingCopied(before);
  });

  it('an ancestor at opacity 0.1: alert, nothing copied', async () => {
    page = await openTicket(101);
    const before = appstle.requests().length;
    await page.evaluate(() => {
      const pane = document.querySelector(
        '[data-test-id="ticket-101-custom-layout"] .ticket-properties',
      ) as HTMLElement;
      pane.style.opacity = '0.1';
    });
    const box = await page.locator(REAL).boundingBox();
    await page.mouse.click((box?.x ?? 0) + (box?.width ?? 0) / 2, (box?.y ?? 0) + (box?.height ?? 0) / 2);
    await expect.poll(() => toast(page as Page, 'alert').textContent()).toMatch(COVERED);
    await expectNothingCopied(before);
  });
});

describe('no secret in any console, across a whole flow', () => {
  it('popup copy, inline copy, context menu, errors: every context logged, nothing secret', async () => {
    page = await openTicket(101);
    // A marker in every context proves each one is captured.
    await page.evaluate(() => console.log('portal-link probe: page'));
    const worker = await harness.currentWorker();
    await worker.evaluate(() => console.log('portal-link probe: worker'));

    // The content script's isolated world, reached over CDP.
    const cdp = await harness.context.newCDPSession(page);
    const contexts: { id: number; origin: string; auxData?: { type?: string } }[] = [];
    cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
    await cdp.send('Runtime.enable');
    const isolated = contexts.find((c) => c.auxData?.type === 'isolated' && c.origin.includes(harness.extensionId));
    expect(isolated).toBeDefined();
    await cdp.send('Runtime.evaluate', {
      expression: "console.log('portal-link probe: content script')",
      contextId: isolated?.id,
    });
    await cdp.detach();

    // Inline copy, then the popup, then the context menu (offscreen document), then errors.
    await copyForReal(page);
    await harness.clearLinkCache();
    await page.bringToFront();
    const popup = await harness.open('popup.html');
    await popup.evaluate(() => console.log('portal-link probe: popup'));
    await popup.getByLabel('Customer email or ID').fill('bob.requester@example.org');
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    issued.push(await harness.readClipboard());
    appstle.fail({ status: 401, body: { title: 'Unauthorized', detail: `bad key ${APPSTLE_KEY}` } });
    await popup.getByLabel('Customer email or ID').fill('jane@example.com');
    await harness.clearLinkCache();
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('alert').textContent()).toMatch(/rejected the API key/);
    await popup.close();

    const tabId = await tabIdOf(harness, page);
    await harness.clearLinkCache();
    await (await harness.currentWorker()).evaluate(
      async ({ tabId, pageUrl }) => {
        const { chrome } = globalThis as unknown as ChromeGlobal;
        chrome.contextMenus.onClicked.dispatch(
          { menuItemId: 'copy-portal-link-selection', selectionText: 'jane@example.com', frameId: 0, pageUrl },
          await chrome.tabs.get(tabId),
        );
      },
      { tabId, pageUrl: page.url() },
    );
    await expect.poll(() => harness.readClipboard()).not.toBe(issued.at(-1));
    issued.push(await harness.readClipboard());

    const where = (text: string) => harness.logs.filter((l) => l.text.includes(text)).map((l) => l.where);
    await expect.poll(() => where('portal-link probe: content script')).toContain('page-cdp');
    expect(where('portal-link probe: page')).toContain('page');
    expect(where('portal-link probe: worker')).toContain('worker');
    expect(where('portal-link probe: popup')).toContain('page');
    // Not checked here: Playwright raises no "backgroundpage" for the offscreen document in this
    // Chromium, so its console is only watched when it does (see support/extension.ts).

    expect(issued.every((link) => link.startsWith(expectedAppstleUrlPrefix()))).toBe(true);
    expectNoSecretsLogged(harness, issued);
    // The check itself works: a logged key or link would be caught.
    expect(leakedSecrets([`oops ${APPSTLE_KEY}`, `copied ${issued[0]}`, 'fine'])).toHaveLength(2);
  });
});
