/**
 * Insert into reply in Firefox ESR with the production build (MV2): the in-page "More portal link
 * actions" menu puts Appstle's link into a real CKEditor 5 composer (Zendesk fixture) and a real
 * Draft.js composer (Gorgias fixture), at the caret, once, read back from the editor's own state. In
 * Firefox the page-world half is a web-accessible script injected by the content script, and Draft.js
 * gets a paste built in the page (Firefox empties an isolated-world paste's DataTransfer).
 * Also under the fixtures' strict CSP (`?csp`: `script-src 'self'` plus a nonce), where inline code
 * would be blocked; Email portal link from the same menu; and the popup's Insert, with the popup page
 * opened in a tab by the extension (BiDi can't open the toolbar popup): it inserts into the ticket tab
 * the agent used last, through the same content-script path as the toolbar popup.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GORGIAS_COMPOSER_SLOT, serveComposers, ZENDESK_COMPOSER_SLOT } from '../fixtures/composers';
import { GORGIAS_HOST, JANE_G, mockGorgias } from '../fixtures/helpdesk/gorgias';
import { JANE, mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { mockAppstle, type ProviderMock, SHOP_PUBLIC_PORTAL } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import {
  composerSelector,
  type EditorReply,
  type HelpdeskName,
  inlineScriptRuns,
  readReplyInPage,
  ticketUrl,
  typedReply,
} from './support/composers';
import { type FirefoxHarness, launchFirefox } from './support/firefox';
import { appstleStore } from './support/settings';
import { firefoxButton, firefoxClickMenuItem, firefoxControls, firefoxToastText } from './support/shadow';

let server: MockServer;
let appstle: ProviderMock;
let firefox: FirefoxHarness;
let page: Page | undefined;

const SENTINEL = 'clipboard before the test';
const REQUESTER_EMAIL = JANE.email as string;
const LINK_PREFIX = `${SHOP_PUBLIC_PORTAL}?token=`;
const WAIT = { timeout: 20_000 };

beforeAll(async () => {
  expect(JANE_G.email).toBe(REQUESTER_EMAIL);
  server = await startMockServer();
  appstle = mockAppstle(server);
  serveComposers(server);
  mockZendesk(server, { composer: ZENDESK_COMPOSER_SLOT });
  mockGorgias(server, { composer: GORGIAS_COMPOSER_SLOT });
  firefox = await launchFirefox(server);
}, 120_000);

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

beforeEach(async () => {
  appstle.reset();
  // No link type: Appstle's complete link, the default.
  const { linkType: _token, ...store } = appstleStore({ helpdeskHosts: [ZENDESK_HOST, GORGIAS_HOST] });
  await firefox.setSettings({ stores: [store], defaultStoreId: 'store-a' });
  await firefox.clearLinkCache();
  await firefox.writeClipboard(SENTINEL);
});

afterEach(async () => {
  await page?.close();
  page = undefined;
});

/** The reply as the editor holds it (support/composers.ts). */
function reply(p: Page, helpdesk: HelpdeskName): Promise<EditorReply> {
  return p.evaluate(readReplyInPage, { helpdesk, selector: composerSelector(helpdesk) });
}

/**
 * The link the reply holds once it holds one (Draft.js applies a paste through React state, so the
 * editor is read until then; polled with evaluate, which a page's strict CSP does not stop).
 */
async function insertedLink(p: Page, helpdesk: HelpdeskName): Promise<EditorReply & { link: string }> {
  await expect.poll(async () => (await reply(p, helpdesk)).links.length, { interval: 50, timeout: 20_000 }).toBe(1);
  const found = await reply(p, helpdesk);
  const link = found.links[0]?.split('|')[0] ?? '';
  expect(link.startsWith(LINK_PREFIX)).toBe(true);
  return { ...found, link };
}

/** The in-page toast's text for `role`, once it says something (its closed root read over BiDi: support/shadow.ts). */
async function toastText(p: Page, role: 'status' | 'alert', startsWith = ''): Promise<string> {
  let text: string | null = null;
  await expect
    .poll(
      async () => {
        text = await firefoxToastText(p, role);
        return text?.startsWith(startsWith) ?? false;
      },
      { timeout: WAIT.timeout },
    )
    .toBe(true);
  return text ?? '';
}

/** Opens the ticket, waits for its editor and the button, types a reply and leaves the caret mid-sentence. */
async function openAndType(helpdesk: HelpdeskName, query = ''): Promise<Page> {
  const p = await firefox.driver.newPage();
  await p.goto(ticketUrl(helpdesk, query));
  const composer = await p.waitForSelector(composerSelector(helpdesk), WAIT);
  await firefoxButton(p, 'More portal link actions');
  await composer?.click();
  await p.keyboard.type('Hello thanks');
  for (let i = 0; i < 'thanks'.length; i++) await p.keyboard.press('ArrowLeft');
  return p;
}

describe.each(['zendesk', 'gorgias'] as const)('Firefox ESR: Insert into reply on %s', (helpdesk) => {
  it(`in-page menu on ${helpdesk}: the link lands once at the caret, the toast names the customer, nothing copied`, async () => {
    page = await openAndType(helpdesk);
    expect((await reply(page, helpdesk)).text).toBe(typedReply(helpdesk));
    const before = appstle.requests().length;

    // Real clicks (WebDriver BiDi input actions) on the menu button and its item (both in closed roots:
    // found over BiDi); the menu is the on-demand module's (content-ui.js).
    await (await firefoxButton(page, 'More portal link actions')).click();
    await expect
      .poll(async () => (await firefoxControls(page as Page, 'menu', '[role="menuitem"]')).map((c) => c.name))
      .toEqual(['Insert into reply', 'Email portal link']);
    await firefoxClickMenuItem(page, 'Insert into reply');

    const status = await toastText(page, 'status');
    expect(status).toBe(`Portal link for ${REQUESTER_EMAIL} inserted into the reply`);
    const { text, links, link } = await insertedLink(page, helpdesk);
    expect(links).toEqual([`${link}|${link}`]);
    expect(text).toBe(typedReply(helpdesk, link));
    // The composer kept focus (the menu never took it) and the clipboard was left alone.
    expect(
      await page.evaluate((s) => document.activeElement === document.querySelector(s), composerSelector(helpdesk)),
    ).toBe(true);
    expect(await firefox.readClipboard()).toBe(SENTINEL);
    // One Appstle lookup, of the complete link.
    const seen = appstle.requests().slice(before);
    expect(seen.map((r) => new URL(r.path, 'https://x').pathname)).toEqual([
      '/api/external/v2/manage-subscription-link',
    ]);
  });

  it(`under a strict CSP (script-src self + nonce, no inline code) on ${helpdesk}: the menu's Insert still lands at the caret`, async () => {
    page = await openAndType(helpdesk, '&csp');
    // The policy holds: an inline script the page adds does not run.
    expect(await page.evaluate(inlineScriptRuns)).toBe(false);
    await (await firefoxButton(page, 'More portal link actions')).click();
    await firefoxClickMenuItem(page, 'Insert into reply');
    const { text, link } = await insertedLink(page, helpdesk);
    // Polled over BiDi: the page's CSP also stops puppeteer's waitForFunction (it builds a Function).
    await expect
      .poll(() => firefoxToastText(page as Page, 'status'))
      .toBe(`Portal link for ${REQUESTER_EMAIL} inserted into the reply`);
    expect(text).toBe(typedReply(helpdesk, link));
  });

  it(`in-page menu on ${helpdesk}: Email portal link has Appstle email the requester, one request, nothing copied`, async () => {
    page = await openAndType(helpdesk);
    const before = appstle.requests().length;
    await (await firefoxButton(page, 'More portal link actions')).click();
    await firefoxClickMenuItem(page, 'Email portal link');
    // 5 seconds to undo first (tests/e2e/inpage.e2e.test.ts), then the one request.
    expect(await toastText(page, 'status')).toBe(`Sending the portal link to ${REQUESTER_EMAIL}…`);
    expect(await toastText(page, 'status', 'Portal link emailed')).toBe(`Portal link emailed to ${REQUESTER_EMAIL}`);
    const calls = appstle.requests().slice(before);
    expect(calls).toHaveLength(1);
    expect(new URL(calls[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe(REQUESTER_EMAIL);
    expect((await reply(page, helpdesk)).links).toEqual([]);
    expect(await firefox.readClipboard()).toBe(SENTINEL);
  });

  it(`popup on ${helpdesk} (the popup page in a tab): Insert into reply lands at the caret of the ticket the agent left`, async () => {
    page = await openAndType(helpdesk);
    const popup = await firefox.openExtensionPage('popup.html');
    try {
      // The popup asks the ticket tab for its customer first; Insert is offered once it answers.
      const clicked = await popup.evaluate(async () => {
        for (let i = 0; i < 200; i++) {
          const button = [...document.querySelectorAll('button')].find(
            (b) => b.textContent?.trim() === 'Insert into reply',
          );
          if (button && !button.disabled) {
            button.click();
            return true;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        return false;
      });
      expect(clicked).toBe(true);
      const { text, link } = await insertedLink(page, helpdesk);
      expect(text).toBe(typedReply(helpdesk, link));
      const status = await popup.evaluate(async () => {
        for (let i = 0; i < 200; i++) {
          const text = document.querySelector('[role="status"]')?.textContent;
          if (text) return text;
          await new Promise((r) => setTimeout(r, 50));
        }
        return '';
      });
      expect(status).toBe(`Portal link for ${REQUESTER_EMAIL} inserted into the reply`);
    } finally {
      await popup.close();
    }
  });
});
