/**
 * The store screenshots (1280×800), taken from the production build on the local fixtures:
 * {popup,options,zendesk-inline}[-es].png. `npm test` writes them to .output/screenshots (so a test
 * run leaves the tree clean); `npm run screenshots` refreshes the committed docs/screenshots.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { mockAppstle } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type Harness, launchExtension } from './support/extension';
import { openHelpdeskPage, toast } from './support/helpdesk';
import { appstleStore } from './support/settings';

const DIR = resolve(process.env.SCREENSHOTS_DIR ?? '.output/screenshots');
const SIZE = { width: 1280, height: 800 };

describe.each([
  { language: 'en', suffix: '', copy: 'Copy portal link', customer: 'Customer email or ID' },
  { language: 'es', suffix: '-es', copy: 'Copiar enlace del portal', customer: 'Correo o ID del cliente' },
])('screenshots ($language)', ({ language, suffix, copy, customer }) => {
  let server: MockServer;
  let harness: Harness;

  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    server = await startMockServer();
    mockAppstle(server);
    mockZendesk(server);
    harness = await launchExtension(server, { language });
    await harness.setSettings({
      stores: [appstleStore({ helpdeskHosts: [ZENDESK_HOST] })],
      defaultStoreId: 'store-a',
    });
  });

  afterAll(async () => {
    await harness?.close();
    await server?.close();
  });

  async function shoot(page: Page, name: string) {
    const path = `${DIR}/${name}${suffix}.png`;
    await page.screenshot({ path });
    const size = await page.evaluate(() => [window.innerWidth, window.innerHeight]);
    expect(size).toEqual([SIZE.width, SIZE.height]);
  }

  it('popup after a copy', async () => {
    const popup = await harness.open('popup.html');
    await popup.setViewportSize(SIZE);
    await popup.getByLabel(customer).fill('jane@example.com');
    await popup.getByRole('button', { name: copy }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/https:/);
    await shoot(popup, 'popup');
    await popup.close();
  });

  it('options page', async () => {
    const options = await harness.open('options.html');
    await options.setViewportSize(SIZE);
    await expect.poll(() => options.locator('#api-key').count()).toBe(1);
    await shoot(options, 'options');
    await options.close();
  });

  it('inline button and toast on a Zendesk ticket', async () => {
    const page = await openHelpdeskPage(harness, `https://${ZENDESK_HOST}/agent/tickets/101`);
    await page.setViewportSize(SIZE);
    const button = page.getByRole('button', { name: copy });
    await expect.poll(() => button.count()).toBe(1);
    await button.click();
    await expect.poll(() => toast(page, 'status').textContent()).not.toBe('');
    await shoot(page, 'zendesk-inline');
    await page.close();
  });
});
