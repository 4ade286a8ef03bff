/**
 * One smoke per language: the extension follows the browser's UI language. launchExtension sets
 * `--lang`, `LANGUAGE` and Playwright's locale; in headless Chromium 156 `--lang` is the one that
 * picks the extension's messages. Spanish: popup, options and the inline toast; English:
 * the same pages pinned to English, the words every other e2e test relies on.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GORGIAS_HOST, mockGorgias } from '../fixtures/helpdesk/gorgias';
import { mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { expectedAppstleUrlPrefix, mockAppstle } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type ChromeGlobal, type Harness, launchExtension } from './support/extension';
import { openHelpdeskPage, toast } from './support/helpdesk';
import { appstleStore } from './support/settings';
import { inPageButton, inPageUi } from './support/shadow';

const WORDS = {
  es: {
    locale: 'es',
    customer: 'Correo o ID del cliente',
    copy: 'Copiar enlace del portal',
    more: 'Más acciones del enlace del portal',
    items: ['Insertar en la respuesta', 'Enviar enlace del portal por correo'],
    copied: /^Enlace del portal de \S+ copiado · caduca (\d{1,2} [a-z]{3} )?\d{2}:\d{2}/,
    apiKey: 'Clave de API',
    save: 'Guardar',
    testConnection: 'Probar conexión',
    title: 'Configuración de Portal Link',
    name: 'Portal Link',
  },
  en: {
    locale: 'en',
    customer: 'Customer email or ID',
    copy: 'Copy portal link',
    more: 'More portal link actions',
    items: ['Insert into reply', 'Email portal link'],
    copied: /^Portal link for \S+ copied · expires (\d{1,2} [A-Z][a-z]{2} )?\d{2}:\d{2}/,
    apiKey: 'API key',
    save: 'Save',
    testConnection: 'Test connection',
    title: 'Portal Link settings',
    name: 'Portal Link',
  },
};

describe.each(['es', 'en'] as const)('language %s', (language) => {
  const words = WORDS[language];
  let server: MockServer;
  let harness: Harness;

  beforeAll(async () => {
    server = await startMockServer();
    mockAppstle(server);
    mockZendesk(server);
    mockGorgias(server);
    harness = await launchExtension(server, { language });
    await harness.setSettings({ stores: [appstleStore()], defaultStoreId: 'store-a' });
  });

  afterAll(async () => {
    await harness?.close();
    await server?.close();
  });

  it('the browser picks the matching messages', async () => {
    const locale = await harness.worker.evaluate(() =>
      (globalThis as unknown as ChromeGlobal).chrome.i18n.getMessage('dateLocale'),
    );
    expect(locale).toBe(words.locale);
  });

  it('popup: labels and the copied status', async () => {
    const popup = await harness.open('popup.html');
    await popup.getByLabel(words.customer).fill('jane@example.com');
    await popup.getByRole('button', { name: words.copy }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(words.copied);
    expect(await harness.readClipboard()).toMatch(expectedAppstleUrlPrefix());
    expect(await popup.evaluate(() => document.documentElement.lang)).toBe(words.locale);
    await popup.close();
  });

  it('options: labels and buttons', async () => {
    const options = await harness.open('options.html');
    await expect.poll(() => options.getByLabel(words.apiKey).count()).toBe(1);
    expect(await options.getByRole('button', { name: words.save, exact: true }).count()).toBe(1);
    expect(await options.getByRole('button', { name: words.testConnection }).count()).toBe(1);
    expect(await options.title()).toBe(words.title);
    expect(await options.evaluate(() => document.documentElement.lang)).toBe(words.locale);
    await options.close();
  });

  it('Zendesk: the inline button and its toast', async () => {
    const page: Page = await openHelpdeskPage(harness, `https://${ZENDESK_HOST}/agent/tickets/101`);
    const button = inPageButton(page, words.copy);
    await expect.poll(() => button.count()).toBe(1);
    await button.click();
    await expect.poll(() => toast(page, 'status').textContent()).toMatch(words.copied);
    await page.close();
  });

  // The menu used to hang off the button's right edge and start off-screen (x = −29 px on Zendesk):
  // every item must be whole inside the viewport, on both helpdesks, also in a narrow viewport (which
  // is what a 200 % zoom makes of a laptop window).
  it.each([
    ['Zendesk', `https://${ZENDESK_HOST}/agent/tickets/101`, { width: 1280, height: 800 }],
    ['Zendesk', `https://${ZENDESK_HOST}/agent/tickets/101`, { width: 420, height: 320 }],
    ['Gorgias', `https://${GORGIAS_HOST}/app/ticket/201`, { width: 1280, height: 800 }],
    ['Gorgias', `https://${GORGIAS_HOST}/app/ticket/201`, { width: 420, height: 320 }],
  ])('%s: the menu’s items are inside the viewport (%o)', async (helpdesk, url, size) => {
    const page: Page = await openHelpdeskPage(harness, url);
    await page.setViewportSize(size);
    await inPageButton(page, words.more).click();
    // The menu's root is closed to the page: its items are read in the content script's world.
    const items = () => inPageUi(page).menuItems();
    await expect.poll(async () => (await items()).map((i) => i.name)).toEqual(words.items);
    const viewport = await page.evaluate(() => ({ width: document.documentElement.clientWidth, height: innerHeight }));
    // SHOTS_DIR=dir: a screenshot of the open menu, and its items' boxes on stdout (before/after notes).
    if (process.env.SHOTS_DIR) {
      await page.screenshot({ path: `${process.env.SHOTS_DIR}/menu-${helpdesk}-${language}-${size.width}.png` });
      console.log(`menu ${helpdesk} ${language} ${size.width}`, JSON.stringify((await items()).map((i) => i.box)));
    }
    for (const { box } of await items()) {
      const { x, y, width, height } = box;
      expect([x, y, viewport.width - (x + width), viewport.height - (y + height)].every((room) => room >= 0)).toBe(
        true,
      );
    }
    await page.close();
  });
});
