/**
 * Delivering the link, in real Chromium with the production build: Appstle's two link types, Insert
 * into reply (in-page menu, popup, shortcut) into a real CKEditor 5 (Zendesk) and a real Draft.js
 * editor (Gorgias), Email portal link (menu, popup, context menu) with its refusals, and
 * confirmations that name the customer. Editors are read back from their own state.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GORGIAS_COMPOSER_SLOT, serveComposers, ZENDESK_COMPOSER_SLOT } from '../fixtures/composers';
import { GORGIAS_HOST, JANE_G, mockGorgias } from '../fixtures/helpdesk/gorgias';
import { CC, JANE, mockZendesk, OPEN_TABS, ZENDESK_HOST, type ZendeskMock } from '../fixtures/helpdesk/zendesk';
import {
  APPSTLE_KEY,
  expectedAppstleUrlPrefix,
  mockAppstle,
  type ProviderMock,
  SHOP_PUBLIC_PORTAL,
} from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { clickAction } from './support/action';
import {
  composerSelector,
  type EditorReply,
  type HelpdeskName,
  inlineScriptRuns,
  readReplyInPage,
  TICKET,
  ticketUrl,
  typedReply,
} from './support/composers';
import { alertDialog, answerDialog } from './support/dialog';
import { type ChromeGlobal, type Harness, launchExtension } from './support/extension';
import { pressShortcut, toast } from './support/helpdesk';
import { finishAfterAll } from './support/secrets';
import { appstleStore, gigstackStore } from './support/settings';
import { inPageButton, inPageUi } from './support/shadow';

let server: MockServer;
let appstle: ProviderMock;
let harness: Harness;
let zendeskMock: ZendeskMock;
let page: Page | undefined;

const SENTINEL = 'clipboard before the test';
const REQUESTER = { email: JANE.email as string };
expect(JANE_G.email).toBe(REQUESTER.email);
const LINK_PREFIX = `${SHOP_PUBLIC_PORTAL}?token=`;
/** Click → link shown in the editor's state, per path and helpdesk (reported at the end). */
const timings: { path: string; helpdesk: string; ms: number }[] = [];

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  serveComposers(server);
  zendeskMock = mockZendesk(server, { composer: ZENDESK_COMPOSER_SLOT });
  mockGorgias(server, { composer: GORGIAS_COMPOSER_SLOT });
  harness = await launchExtension(server);
});

finishAfterAll(() => ({ harness, server }));

afterAll(() => {
  if (timings.length)
    console.info(
      `click → inserted (ms)\n${timings.map((t) => `${t.path}\t${t.helpdesk}\t${t.ms.toFixed(0)}`).join('\n')}`,
    );
});

beforeEach(async () => {
  appstle.reset();
  zendeskMock.reset();
  // No link type and the default template: Appstle's complete link (the default for new and old stores).
  const { linkType: _token, ...store } = appstleStore({ helpdeskHosts: [ZENDESK_HOST, GORGIAS_HOST] });
  await harness.setSettings({ stores: [store], defaultStoreId: 'store-a' });
  await harness.clearLinkCache();
  await harness.writeClipboard(SENTINEL);
});

afterEach(async () => {
  await page?.close();
  page = undefined;
});

/** The reply as the editor holds it (support/composers.ts). */
function reply(p: Page, helpdesk: HelpdeskName, ticket: number = TICKET[helpdesk]): Promise<EditorReply> {
  return p.evaluate(readReplyInPage, { helpdesk, selector: composerSelector(helpdesk, ticket) });
}

/** Opens the ticket, waits for its editor and the button, then types a reply with the caret mid-sentence. */
async function openAndType(helpdesk: HelpdeskName, query = ''): Promise<Page> {
  const p = await harness.context.newPage();
  await p.goto(ticketUrl(helpdesk, query));
  await p.locator(composerSelector(helpdesk)).waitFor();
  await expect.poll(() => inPageButton(p, 'Copy portal link').count()).toBe(1);
  if (query.includes('readonly')) return p;
  await p.locator(composerSelector(helpdesk)).click();
  await p.keyboard.type('Hello thanks');
  for (let i = 0; i < 'thanks'.length; i++) await p.keyboard.press('ArrowLeft');
  return p;
}

function moreButton(p: Page) {
  return inPageButton(p, 'More portal link actions');
}

async function openMenu(p: Page) {
  await moreButton(p).click();
  // The menu's root is closed to the page (and so to locators): read in the content script's world.
  const menu = inPageUi(p);
  await expect.poll(async () => (await menu.menuItems()).length).toBeGreaterThan(0);
  return menu;
}

/** Waits until the editor's state holds a link; returns it and the time since `since`. */
async function insertedLink(p: Page, helpdesk: HelpdeskName, since: number) {
  let links: string[] = [];
  await expect
    .poll(
      async () => {
        links = (await reply(p, helpdesk)).links;
        return links.length;
      },
      { interval: 10, timeout: 10_000 },
    )
    .toBe(1);
  return { link: (links[0] ?? '').split('|')[0] ?? '', ms: performance.now() - since };
}

/** The link is an <a> whose text is its URL, at the caret (between "Hello " and "thanks"), exactly once. */
async function expectAtCaret(p: Page, helpdesk: HelpdeskName, link: string) {
  const { text, links } = await reply(p, helpdesk);
  expect(links).toEqual([`${link}|${link}`]);
  expect(text).toBe(typedReply(helpdesk, link));
}

describe.each(['zendesk', 'gorgias'] as const)('Insert into reply on %s', (helpdesk) => {
  it('in-page menu: the link lands at the caret of the open ticket’s composer, once; focus kept; nothing copied', async () => {
    page = await openAndType(helpdesk);
    const before = appstle.requests().length;
    const menu = await openMenu(page);
    expect(await moreButton(page).evaluate((b) => b.getAttribute('aria-haspopup'))).toBe('menu');
    await expect
      .poll(async () => (await menu.menuItems()).map((i) => i.name))
      .toEqual(['Insert into reply', 'Email portal link']);
    const started = performance.now();
    await menu.menuItem('Insert into reply').click();
    const { link, ms } = await insertedLink(page, helpdesk, started);
    timings.push({ path: 'in-page menu', helpdesk, ms });

    expect(link.startsWith(LINK_PREFIX)).toBe(true);
    await expectAtCaret(page, helpdesk, link);
    await expect
      .poll(() => toast(page as Page, 'status').textContent())
      .toBe(`Portal link for ${REQUESTER.email} inserted into the reply`);
    // The composer kept focus (the menu never took it), and the clipboard was left alone.
    expect(
      await page.evaluate((s) => document.activeElement === document.querySelector(s), composerSelector(helpdesk)),
    ).toBe(true);
    expect(await harness.readClipboard()).toBe(SENTINEL);
    // One lookup, of Appstle's complete link, for the requester.
    const seen = appstle.requests().slice(before);
    expect(seen.map((r) => new URL(r.path, 'https://x').pathname)).toEqual([
      '/api/external/v2/manage-subscription-link',
    ]);
    // Zendesk knows the requester's email; Gorgias also their Shopify id in the store's shop, which
    // wins (the confirmation still names them by email).
    const lookup = Object.fromEntries(new URL(seen[0]?.path ?? '', 'https://x').searchParams);
    expect(lookup).toEqual(
      helpdesk === 'zendesk' ? { emailId: REQUESTER.email } : { customerId: String(JANE_G.shopify?.['11']) },
    );
    if (helpdesk === 'zendesk') {
      // The other open tickets' composers (mounted, hidden) got nothing.
      for (const id of OPEN_TABS.filter((t) => t !== TICKET.zendesk))
        expect((await reply(page, helpdesk, id)).text).toBe('');
    }
  });

  it('under a strict CSP (script-src self + nonce, no inline code): the menu’s Insert still lands at the caret', async () => {
    page = await openAndType(helpdesk, '&csp');
    // The policy holds: an inline script the page adds does not run.
    expect(await page.evaluate(inlineScriptRuns)).toBe(false);
    await (await openMenu(page)).menuItem('Insert into reply').click();
    const { link } = await insertedLink(page, helpdesk, performance.now());
    expect(link.startsWith(LINK_PREFIX)).toBe(true);
    await expectAtCaret(page, helpdesk, link);
    await expect
      .poll(() => toast(page as Page, 'status').textContent())
      .toBe(`Portal link for ${REQUESTER.email} inserted into the reply`);
  });

  it('popup: Insert into reply inserts on the ticket tab and says so', async () => {
    page = await openAndType(helpdesk);
    const popup = await harness.open('popup.html');
    await popup.getByRole('button', { name: 'Insert into reply' }).waitFor();
    const started = performance.now();
    await popup.getByRole('button', { name: 'Insert into reply' }).click();
    const { link, ms } = await insertedLink(page, helpdesk, started);
    timings.push({ path: 'popup', helpdesk, ms });
    await expect
      .poll(() => popup.getByRole('status').textContent())
      .toBe(`Portal link for ${REQUESTER.email} inserted into the reply`);
    await expectAtCaret(page, helpdesk, link);
    await popup.close();
  });

  it('popup: Insert honours the Store picked and a typed customer, as Copy and Email do', async () => {
    const { linkType: _token, ...mapped } = appstleStore({ helpdeskHosts: [ZENDESK_HOST, GORGIAS_HOST] });
    // Another store, told apart by its link: a token in its own shop's portal URL.
    const beta = appstleStore({ id: 'store-b', name: 'Beta', storeDomain: 'beta-shop.myshopify.com' });
    await harness.setSettings({ stores: [mapped, beta], defaultStoreId: 'store-a' });
    page = await openAndType(helpdesk);
    const before = appstle.requests().length;
    const popup = await harness.open('popup.html');
    await expect.poll(() => popup.getByLabel('Store').inputValue()).toBe('store-a'); // the tab's store first
    await popup.getByLabel('Store').selectOption({ label: 'Beta' });
    await popup.getByLabel('Customer email or ID').fill('bob.requester@example.org');
    await popup.getByRole('button', { name: 'Insert into reply' }).click();
    if (helpdesk === 'zendesk') {
      // Zendesk shows the reply goes to Jane: the link for the customer typed is inserted only once confirmed.
      await expect
        .poll(() => alertDialog(page as Page).then((d) => d?.name), { timeout: 10_000 })
        .toBe(`This reply goes to ${REQUESTER.email}; the link is for bob.requester@example.org.`);
      await answerDialog(page, 'confirm');
    }
    const { link } = await insertedLink(page, helpdesk, performance.now());
    expect(link.startsWith(expectedAppstleUrlPrefix('beta-shop.myshopify.com'))).toBe(true);
    await expectAtCaret(page, helpdesk, link);
    const asked = appstle.requests().slice(before);
    expect(asked.map((r) => new URL(r.path, 'https://x').searchParams.get('email'))).toEqual([
      'bob.requester@example.org',
    ]);
    await expect
      .poll(() => popup.getByRole('status').textContent())
      .toBe('Portal link for bob.requester@example.org inserted into the reply');
    await popup.close();
  });

  it('shortcut insert-portal-link: inserts with the toast', async () => {
    page = await openAndType(helpdesk);
    const started = performance.now();
    await pressShortcut(harness, page, 'insert-portal-link');
    const { link, ms } = await insertedLink(page, helpdesk, started);
    timings.push({ path: 'shortcut', helpdesk, ms });
    await expectAtCaret(page, helpdesk, link);
    await expect.poll(() => toast(page as Page, 'status').textContent()).toMatch(/inserted into the reply$/);
  });

  it.each([
    ['read-only', '&readonly', /can’t be edited right now/],
    ['missing', '&nocomposer', /No reply box is open on this ticket/],
  ])('a %s composer: a clear alert, no link minted', async (_kind, query, message) => {
    page = await harness.context.newPage();
    await page.goto(ticketUrl(helpdesk, query));
    await expect.poll(() => inPageButton(page as Page, 'Copy portal link').count()).toBe(1);
    if (query === '&readonly') await page.locator(composerSelector(helpdesk)).waitFor();
    else await new Promise((resolve) => setTimeout(resolve, 1_000)); // the fixture's editors would have mounted
    const before = appstle.requests().length;
    const menu = await openMenu(page);
    await menu.menuItem('Insert into reply').click();
    await expect.poll(() => toast(page as Page, 'alert').textContent()).toMatch(message);
    expect(appstle.requests().length).toBe(before);
    if (query === '&readonly') expect((await reply(page, helpdesk)).links).toEqual([]);
  });
});

describe('Insert into reply belongs to the ticket it was started on (Zendesk, real CKEditor 5)', () => {
  it('the agent moves to another open ticket while the ticket API still answers: nothing is inserted anywhere, and an alert says so', async () => {
    const release = zendeskMock.holdApi(TICKET.zendesk);
    page = await harness.context.newPage();
    await page.goto(ticketUrl('zendesk'));
    const other = OPEN_TABS.find((t) => t !== TICKET.zendesk) as number;
    await page.locator(composerSelector('zendesk')).waitFor();
    await page.locator(composerSelector('zendesk', other)).waitFor({ state: 'attached' });
    await expect.poll(() => inPageButton(page as Page, 'Copy portal link').count()).toBe(1);
    const minted = appstle.requests().length;
    await pressShortcut(harness, page, 'insert-portal-link');
    await page.locator(`#views a[href="/agent/tickets/${other}"]`).click();
    await page.locator(composerSelector('zendesk', other)).waitFor();
    release(); // the first ticket's customer is known only now
    await expect
      .poll(() => toast(page as Page, 'alert').textContent())
      .toBe('You moved to another ticket before the link was ready: nothing was inserted. Try again on this ticket.');
    expect((await reply(page, 'zendesk', other)).links).toEqual([]);
    expect((await reply(page, 'zendesk', TICKET.zendesk)).links).toEqual([]);
    expect(appstle.requests().length).toBe(minted); // no link was even made
  });
});

describe('questions before an insert (Zendesk, real CKEditor 5)', () => {
  /** Ticket 110's reply goes to the CC (its composer region shows them), not to the requester. */
  async function openCcReply(): Promise<Page> {
    const p = await harness.context.newPage();
    await p.goto(`https://${ZENDESK_HOST}/agent/tickets/110`);
    await p.locator(composerSelector('zendesk', 110)).waitFor();
    await expect.poll(() => inPageButton(p, 'Copy portal link').count()).toBe(1);
    await p.locator(composerSelector('zendesk', 110)).click();
    return p;
  }

  it('the reply goes to someone else: an alertdialog names both; Cancel inserts nothing and mints nothing, Insert anyway inserts', async () => {
    page = await openCcReply();
    const minted = appstle.requests().length;
    await pressShortcut(harness, page, 'insert-portal-link');
    await expect
      .poll(() => alertDialog(page as Page), { timeout: 10_000 })
      .toEqual({
        name: `This reply goes to ${CC.email}; the link is for ${JANE.email}.`,
        buttons: ['Insert anyway', 'Cancel'],
      });
    await answerDialog(page, 'cancel');
    await expect.poll(() => alertDialog(page as Page)).toBeUndefined();
    expect((await reply(page, 'zendesk', 110)).links).toEqual([]);
    expect(appstle.requests().length).toBe(minted);

    await pressShortcut(harness, page, 'insert-portal-link');
    await expect.poll(() => alertDialog(page as Page).then((d) => d?.name)).toMatch(/^This reply goes to /);
    await answerDialog(page, 'confirm');
    await expect.poll(async () => (await reply(page as Page, 'zendesk', 110)).links.length).toBe(1);
    await expect
      .poll(() => toast(page as Page, 'status').textContent())
      .toBe(`Portal link for ${JANE.email} inserted into the reply`);
  });

  it('a helpdesk account no store lists: asked once; Cancel inserts nothing, Use this store here lists it and inserts', async () => {
    const { linkType: _token, ...store } = appstleStore({ helpdeskHosts: [] });
    await harness.setSettings({ stores: [store], defaultStoreId: 'store-a' });
    page = await openAndType('zendesk');
    const minted = appstle.requests().length;
    const question = {
      name: `Insert portal links on ${ZENDESK_HOST}? It is not listed under any store's Helpdesk accounts.`,
      buttons: ['Use this store here', 'Cancel'],
    };
    await pressShortcut(harness, page, 'insert-portal-link');
    await expect.poll(() => alertDialog(page as Page), { timeout: 10_000 }).toEqual(question);
    await answerDialog(page, 'cancel');
    await expect.poll(() => alertDialog(page as Page)).toBeUndefined();
    expect((await reply(page, 'zendesk')).links).toEqual([]);
    expect(appstle.requests().length).toBe(minted);

    await pressShortcut(harness, page, 'insert-portal-link');
    await expect.poll(() => alertDialog(page as Page), { timeout: 10_000 }).toEqual(question);
    await answerDialog(page, 'confirm');
    const { link } = await insertedLink(page, 'zendesk', performance.now());
    await expectAtCaret(page, 'zendesk', link);

    // Listed now: the next insert asks nothing.
    await page.keyboard.type(' and ');
    await pressShortcut(harness, page, 'insert-portal-link');
    await expect.poll(async () => (await reply(page as Page, 'zendesk')).links.length).toBe(2);
    expect(await alertDialog(page)).toBeUndefined();
  });
});

/**
 * Page code watching everything it can without replacing globals first: every element added (the
 * injected script included) and the document and window get listeners for the insert channel's events.
 */
function spyOnInsertChannel() {
  const spied: string[] = [];
  (window as unknown as { __spied: string[] }).__spied = spied;
  const types = ['portal-link:insert-request', 'portal-link:insert-result'];
  const record = (event: Event) => spied.push(String((event as CustomEvent).detail));
  const watch = (target: EventTarget) => {
    for (const type of types) target.addEventListener(type, record, true);
  };
  watch(window);
  watch(document);
  new MutationObserver((records) => {
    for (const r of records) for (const node of r.addedNodes) if (node instanceof Element) watch(node);
  }).observe(document, { childList: true, subtree: true });
}

describe('the main-world insert channel', () => {
  it('a page watching the DOM and every event sees no insert request or answer (Zendesk, real CKEditor 5)', async () => {
    page = await harness.context.newPage();
    await page.addInitScript(spyOnInsertChannel);
    await page.goto(ticketUrl('zendesk'));
    await page.locator(composerSelector('zendesk')).waitFor();
    await expect.poll(() => inPageButton(page as Page, 'Copy portal link').count()).toBe(1);
    await page.locator(composerSelector('zendesk')).click();
    await pressShortcut(harness, page, 'insert-portal-link');
    const { link } = await insertedLink(page, 'zendesk', performance.now());
    expect(link.startsWith(LINK_PREFIX)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __spied: string[] }).__spied)).toEqual([]);
  });
});

const magicLinkCalls = (from: number) =>
  appstle
    .requests()
    .slice(from)
    .filter((r) => r.path.startsWith('/api/external/v2/subscription-contracts-email-magic-link'));

/** The popup's Email waits 5 s for an Undo before its one request. */
const UNDO_WINDOW = { timeout: 10_000 };

describe('Email portal link', () => {
  it.each(['zendesk', 'gorgias'] as const)(
    'in-page menu on %s: Appstle emails the requester; one request; nothing copied',
    async (helpdesk) => {
      page = await openAndType(helpdesk);
      const before = appstle.requests().length;
      const menu = await openMenu(page);
      await menu.menuItem('Email portal link').click();
      // 5 seconds to undo first (tests/e2e/inpage.e2e.test.ts), then the one request.
      await expect
        .poll(() => toast(page as Page, 'status').textContent(), { timeout: 10_000 })
        .toBe(`Portal link emailed to ${REQUESTER.email}`);
      const calls = appstle.requests().slice(before);
      expect(calls).toHaveLength(1);
      expect(new URL(calls[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe(REQUESTER.email);
      expect(calls[0]?.headers['x-api-key']).toBe(APPSTLE_KEY);
      expect(await harness.readClipboard()).toBe(SENTINEL);
    },
  );

  it.each([
    [
      'template off (400)',
      { status: 400, body: { title: 'Bad Request', detail: 'Magic link email template is disabled for this shop' } },
      /magic-link email is turned off/,
    ],
    ['no subscriptions (400)', undefined, /found no subscriptions for bob\.nobody@example\.net/],
    ['Appstle down (500)', { status: 500, body: { title: 'Internal Server Error' } }, /having trouble/],
  ])('popup, %s: an actionable alert, exactly one request (never retried)', async (_l, fault, message) => {
    const before = appstle.requests().length;
    if (fault) appstle.fail(fault);
    const popup = await harness.open('popup.html');
    await popup.getByLabel('Customer email or ID').fill(fault ? REQUESTER.email : 'bob.nobody@example.net');
    await popup.getByRole('button', { name: 'Email portal link' }).click();
    await expect.poll(() => popup.getByRole('alert').textContent(), UNDO_WINDOW).toMatch(message);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // room for a retry that must not come
    expect(magicLinkCalls(before)).toHaveLength(1);
    expect(appstle.requests().length - before).toBe(1);
    await popup.close();
  });

  it.each(['zendesk', 'gorgias'] as const)(
    'popup on a %s ticket, field left empty: emails the detected requester',
    async (helpdesk) => {
      page = await openAndType(helpdesk);
      const before = appstle.requests().length;
      const popup = await harness.open('popup.html');
      await popup.getByText(REQUESTER.email).first().waitFor(); // the detected customer's card
      await popup.getByRole('button', { name: 'Email portal link' }).click();
      await expect
        .poll(() => popup.getByRole('status').textContent(), UNDO_WINDOW)
        .toBe(`Portal link emailed to ${REQUESTER.email}`);
      const calls = magicLinkCalls(before);
      expect(calls).toHaveLength(1);
      expect(new URL(calls[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe(REQUESTER.email);
      expect(await harness.readClipboard()).toBe(SENTINEL);
      await popup.close();
    },
  );

  it('popup: emails a typed address and names it', async () => {
    const before = appstle.requests().length;
    const popup = await harness.open('popup.html');
    await popup.getByLabel('Customer email or ID').fill(REQUESTER.email);
    await popup.getByRole('button', { name: 'Email portal link' }).click();
    await expect
      .poll(() => popup.getByRole('status').textContent(), UNDO_WINDOW)
      .toBe(`Portal link emailed to ${REQUESTER.email}`);
    expect(magicLinkCalls(before)).toHaveLength(1);
    expect(await harness.readClipboard()).toBe(SENTINEL);
    await popup.close();
  });

  it('a gigstack store offers no Email portal link', async () => {
    await harness.setSettings({ stores: [gigstackStore()] });
    const popup = await harness.open('popup.html');
    await popup.getByRole('button', { name: 'Copy portal link' }).waitFor();
    // A customer typed: Email would be offered now for an Appstle store.
    await popup.getByLabel('Customer email or ID').fill(REQUESTER.email);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await popup.getByRole('button', { name: 'Email portal link' }).count()).toBe(0);
    await popup.close();
  });
});

/** Fires the extension's real context-menu listener for a click in `p` (after the real action grants activeTab). */
async function menuClick(p: Page, info: Record<string, unknown>) {
  await clickAction(harness, p);
  await p.bringToFront();
  const worker = await harness.currentWorker();
  await worker.evaluate(
    async ({ info, url }) => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      const [tab] = await chrome.tabs.query({ url });
      chrome.contextMenus.onClicked.dispatch(info, tab);
    },
    { info: { editable: false, frameId: 0, pageUrl: p.url(), ...info }, url: p.url() },
  );
}
/** The context menu's outcome on a helpdesk tab: our content script's own toast. */
const menuToast = (p: Page, role: 'status' | 'alert') => toast(p, role);

describe('context menu', () => {
  it.each(['zendesk', 'gorgias'] as const)(
    'menu item “Email portal link to …” on %s: emails the selected address and says to whom',
    async (helpdesk) => {
      page = await openAndType(helpdesk);
      const before = appstle.requests().length;
      await menuClick(page, { menuItemId: 'email-portal-link-selection', selectionText: ` ${REQUESTER.email} ` });
      await expect
        .poll(() => menuToast(page as Page, 'status').textContent())
        .toBe(`Portal link emailed to ${REQUESTER.email}`);
      expect(magicLinkCalls(before)).toHaveLength(1);
      expect(await harness.readClipboard()).toBe(SENTINEL);
    },
  );

  it('a mailto: whose text is another address: the confirmation names the address actually used', async () => {
    page = await openAndType('zendesk');
    // A comment's <a href="mailto:victim">attacker</a>: the menu gives the link URL, not the text.
    await menuClick(page, { menuItemId: 'copy-portal-link-mailto', linkUrl: 'mailto:bob.requester@example.org' });
    await expect
      .poll(() => menuToast(page as Page, 'status').textContent())
      .toMatch(/^Portal link for bob\.requester@example\.org copied · expires /);
    expect((await harness.readClipboard()).startsWith(LINK_PREFIX)).toBe(true);
  });
});

describe('Link type', () => {
  async function copyFromPopup(customer: string) {
    const popup = await harness.open('popup.html');
    await popup.getByLabel('Customer email or ID').fill(customer);
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/);
    const status = await popup.getByRole('status').textContent();
    await popup.close();
    return status ?? '';
  }

  it('Appstle’s portal link (default): copied verbatim, on the shop’s own domain and portal page', async () => {
    const before = appstle.requests().length;
    const status = await copyFromPopup('12345');
    expect(status).toMatch(/^Portal link for 12345 copied · expires /);
    expect((await harness.readClipboard()).startsWith(LINK_PREFIX)).toBe(true);
    expect(
      appstle
        .requests()
        .slice(before)
        .map((r) => r.path),
    ).toEqual(['/api/external/v2/manage-subscription-link?customerId=12345']);
  });

  it('Token in my portal URL: the token endpoint and the template', async () => {
    await harness.setSettings({ stores: [appstleStore({ linkType: 'token' })] });
    const before = appstle.requests().length;
    await copyFromPopup(REQUESTER.email);
    expect((await harness.readClipboard()).startsWith(expectedAppstleUrlPrefix())).toBe(true);
    expect(
      appstle
        .requests()
        .slice(before)
        .map((r) => new URL(r.path, 'https://x').pathname),
    ).toEqual(['/api/external/v2/customer-portal-token']);
  });

  it.each(['appstle', 'token'] as const)(
    'Test connection works in the %s mode (the probe hits that mode’s endpoint)',
    async (linkType) => {
      const before = appstle.requests().length;
      const options = await harness.open('options.html');
      const reply = await options.evaluate(
        (store) =>
          (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage({ type: 'test-connection', store }),
        appstleStore({ linkType }),
      );
      expect(reply).toMatchObject({ ok: true, provider: 'Appstle' });
      const endpoint = linkType === 'appstle' ? 'manage-subscription-link' : 'customer-portal-token';
      expect(
        appstle
          .requests()
          .slice(before)
          .map((r) => r.path),
      ).toEqual([`/api/external/v2/${endpoint}?customerId=1`]);
      await options.close();
    },
  );
});
