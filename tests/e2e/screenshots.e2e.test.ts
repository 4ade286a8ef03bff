/**
 * Every screenshot in docs/screenshots/, taken from the production build on the local fixtures, in
 * English (`<screen>.png`) and Spanish (`<screen>-es.png`): the popup on a ticket, the in-page menu
 * open on Zendesk and Gorgias, the customer-named toast, an error toast with its way out, the settings
 * page on first run and with a store, the relay sign-in, and the customer's lasting-link pages.
 * `npm run screenshots` writes them to docs/screenshots/ (SCREENSHOTS_DIR); the ordinary e2e run writes
 * them to a temporary folder, so the tree stays clean, and still checks each screen shows what it
 * should (its words on screen, an image of the expected size that is not blank).
 *
 * The in-page UI is driven through the accessibility tree (CDP), not by locators that pierce its
 * shadow root: that works whether the root is open or closed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticePage, openPage } from '../../relay/src/lasting/pages';
import { GORGIAS_HOST, mockGorgias } from '../fixtures/helpdesk/gorgias';
import { mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type Harness, launchExtension, PRODUCTION_BUILD } from './support/extension';
import { appstleStore } from './support/settings';

const DIR = process.env.SCREENSHOTS_DIR
  ? resolve(process.env.SCREENSHOTS_DIR)
  : mkdtempSync(join(tmpdir(), 'portal-link-screenshots-'));
const PAGE = { width: 1280, height: 800 };
const POPUP = { width: 380, height: 330 };
const SETTINGS = { width: 900, height: 900 };
const LASTING = { width: 720, height: 520 };
const ZENDESK_TICKET = `https://${ZENDESK_HOST}/agent/tickets/101`;
const GORGIAS_TICKET = `https://${GORGIAS_HOST}/app/ticket/201`;
/** The one store of the screenshots: Appstle's own portal link (the default link type). */
const STORE = {
  ...appstleStore({ name: 'Acme Coffee', helpdeskHosts: [ZENDESK_HOST, GORGIAS_HOST] }),
  linkType: 'appstle',
  portalUrlTemplate: undefined,
};

/** The built extension's own words in that language (`content.more` → messages.json's `content_more`). */
function wordsOf(language: string) {
  const file = resolve(PRODUCTION_BUILD, '_locales', language, 'messages.json');
  const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { message: string }>;
  return (key: string) => {
    const message = messages[key.replace('.', '_')]?.message;
    if (!message) throw new Error(`no message ${key}`);
    return message;
  };
}

/** Width and height from the PNG's IHDR chunk. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

interface AxNode {
  ignored: boolean;
  backendDOMNodeId?: number;
  name?: { value?: string };
}

/** Nodes of the page's accessibility tree with that role (and name): shadow roots, open or closed, included. */
async function axNodes(page: Page, role: string, name?: string): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodes } = (await cdp.send('Accessibility.queryAXTree', {
      nodeId: root.nodeId,
      role,
      ...(name ? { accessibleName: name } : {}),
    })) as { nodes: AxNode[] };
    return nodes.filter((n) => !n.ignored && n.backendDOMNodeId).map((n) => n.backendDOMNodeId as number);
  } finally {
    await cdp.detach();
  }
}

/** The text of the first node with that role and name, once there is one. */
async function axText(page: Page, role: string, name?: string): Promise<string> {
  let found: number | undefined;
  await expect.poll(async () => (found = (await axNodes(page, role, name))[0]), { timeout: 10_000 }).toBeDefined();
  const cdp = await page.context().newCDPSession(page);
  try {
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: found });
    const { result } = await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      functionDeclaration: 'function () { return this.textContent; }',
      returnByValue: true,
    });
    return String(result.value ?? '');
  } finally {
    await cdp.detach();
  }
}

/** Clicks the middle of the button or item with that accessible name, as a mouse would. */
async function axClick(page: Page, role: string, name: string): Promise<void> {
  let found: number | undefined;
  await expect.poll(async () => (found = (await axNodes(page, role, name))[0]), { timeout: 10_000 }).toBeDefined();
  const cdp = await page.context().newCDPSession(page);
  try {
    const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: found });
    const [x1 = 0, y1 = 0, , , x3 = 0, y3 = 0] = model.border;
    await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
  } finally {
    await cdp.detach();
  }
}

describe.each([
  { language: 'en', suffix: '' },
  { language: 'es', suffix: '-es' },
])('screenshots ($language)', ({ language, suffix }) => {
  const t = wordsOf(language);
  let server: MockServer;
  let appstle: ProviderMock;
  let harness: Harness;

  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    server = await startMockServer();
    appstle = mockAppstle(server);
    mockZendesk(server);
    mockGorgias(server);
    harness = await launchExtension(server, { language });
    await harness.setSettings({ stores: [STORE], defaultStoreId: STORE.id });
  });

  afterAll(async () => {
    await harness?.close();
    await server?.close();
    if (!process.env.SCREENSHOTS_DIR && language === 'es') rmSync(DIR, { recursive: true, force: true });
  });

  /** Saves `<screen><suffix>.png`: the viewport (or the whole page), not blank, of the expected size. */
  async function shoot(page: Page, screen: string, size: { width: number; height: number }, fullPage = false) {
    const png = await page.screenshot({ path: `${DIR}/${screen}${suffix}.png`, fullPage });
    expect(pngSize(png).width).toBe(size.width);
    expect(pngSize(png).height).toBeGreaterThanOrEqual(Math.min(size.height, 200));
    // A blank 1280×800 PNG is under 5 KB; every screen here has text and controls.
    expect(png.length).toBeGreaterThan(8_000);
  }

  async function ticket(url: string, size = PAGE) {
    const page = await harness.context.newPage();
    await page.setViewportSize(size);
    await page.goto(url);
    await axNodes(page, 'button', t('content.button'));
    return page;
  }

  it('popup on a Zendesk ticket: the detected customer, Copy, Email and Insert', async () => {
    const zendesk = await ticket(ZENDESK_TICKET);
    await expect.poll(() => axNodes(zendesk, 'button', t('content.button'))).toHaveLength(1);
    const popup = await harness.open('popup.html');
    await popup.setViewportSize(POPUP);
    await popup.getByText('Jane Doe').waitFor();
    await expect
      .poll(() => popup.getByRole('button').allTextContents())
      .toEqual([t('popup.copy'), t('popup.email'), t('popup.insert')]);
    await shoot(popup, 'popup', POPUP, true);
    await popup.close();
    await zendesk.close();
  });

  it('the in-page menu open on Zendesk and on Gorgias', async () => {
    for (const [screen, url] of [
      ['zendesk-menu', ZENDESK_TICKET],
      ['gorgias-menu', GORGIAS_TICKET],
    ] as const) {
      const page = await ticket(url);
      await axClick(page, 'button', t('content.more'));
      // Email is offered once the background says the store can email: poll for each item.
      await expect.poll(() => axNodes(page, 'menuitem', t('content.insert'))).toHaveLength(1);
      await expect.poll(() => axNodes(page, 'menuitem', t('content.email'))).toHaveLength(1);
      await shoot(page, screen, PAGE);
      await page.close();
    }
  });

  it('the customer-named toast after a copy on a Zendesk ticket', async () => {
    const page = await ticket(ZENDESK_TICKET);
    await axClick(page, 'button', t('content.button'));
    const copied = t('copiedToast').replace('$1', 'jane@example.com').split(' · ')[0] ?? '';
    await expect.poll(() => axText(page, 'status')).toContain(copied);
    await shoot(page, 'zendesk-inline', PAGE);
    await page.close();
  });

  it('an error toast with its way out: a rejected key offers Open settings', async () => {
    await harness.clearLinkCache(); // the copy above would be reused without asking Appstle
    appstle.fail({ status: 401, body: { title: 'Unauthorized', status: 401 } });
    const page = await ticket(ZENDESK_TICKET);
    await axClick(page, 'button', t('content.button'));
    expect(await axText(page, 'alert')).not.toBe('');
    expect(await axNodes(page, 'button', t('content.openSettings'))).toHaveLength(1);
    await shoot(page, 'error-toast', PAGE);
    await page.close();
    appstle.reset();
  });

  it('settings: first run (no store yet), then with a store', async () => {
    await harness.setSettings({ stores: [] });
    const first = await harness.open('options.html');
    await first.setViewportSize(SETTINGS);
    const intro = first.getByRole('heading', { name: t('options.introTitle') });
    await intro.waitFor();
    // The intro's heading stays under the page's title (it was the browser's 1.5em h2: 21 px).
    const [heading, title] = await Promise.all([
      intro.evaluate((h) => Number.parseFloat(getComputedStyle(h).fontSize)),
      first.locator('h1').evaluate((h) => Number.parseFloat(getComputedStyle(h).fontSize)),
    ]);
    expect(heading).toBeLessThan(title);
    await shoot(first, 'options-first-run', SETTINGS);
    await first.close();

    await harness.setSettings({ stores: [STORE], defaultStoreId: STORE.id });
    const options = await harness.open('options.html');
    await options.setViewportSize(SETTINGS);
    await options.getByRole('tab', { name: /Acme Coffee/ }).waitFor();
    expect(await options.getByRole('heading', { name: t('options.introTitle') }).count()).toBe(0);
    await shoot(options, 'options', SETTINGS);
    await options.close();
  });

  it('settings: signing in to a team relay', async () => {
    const options = await harness.open('options.html');
    await options.setViewportSize(SETTINGS);
    await options.getByLabel(t('options.provider')).selectOption({ label: t('relay.name') });
    await options.getByLabel(t('relay.url')).fill('http://127.0.0.1:8787');
    await options.getByLabel(t('relay.code')).fill('K7QM-4XZP-9HTR-2WVD');
    await options.getByRole('button', { name: t('relay.signIn') }).waitFor();
    await shoot(options, 'relay-sign-in', SETTINGS);
    await options.close();
  });

  it('the customer’s lasting-link pages (the relay’s own HTML)', async () => {
    const page = await harness.context.newPage();
    await page.setViewportSize(LASTING);
    const lang = language as 'en' | 'es';
    await page.setContent(openPage(lang, 'Acme Coffee', 'form-token', 'nonce'));
    await page.locator('button').waitFor();
    await shoot(page, 'lasting-link-page', LASTING);
    await page.setContent(noticePage(lang, 'invalid', 'nonce', 'Acme Coffee'));
    expect(await page.locator('h1').textContent()).not.toBe('');
    await shoot(page, 'lasting-link-invalid', LASTING);
    await page.close();
  });
});
