import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANA,
  BOB_G,
  GORGIAS_HOST,
  GORGIAS_SESSION_COOKIE,
  type GorgiasMock,
  JANE_G,
  mockGorgias,
  VIEW_ID,
} from '../fixtures/helpdesk/gorgias';
import { expectedAppstleUrlPrefix, mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type Harness, launchExtension } from './support/extension';
import { appstleLookup, COPIED_TOAST, inlineButton, openHelpdeskPage, pressShortcut, toast } from './support/helpdesk';
import { finishAfterAll } from './support/secrets';
import { appstleStore } from './support/settings';

let server: MockServer;
let appstle: ProviderMock;
let gorgiasMock: GorgiasMock;
let harness: Harness;
let page: Page | undefined;

const SENTINEL = 'clipboard before the test';
const ticketUrl = (id: number) => `https://${GORGIAS_HOST}/app/ticket/${id}`;
const viewUrl = (id: number) => `https://${GORGIAS_HOST}/app/views/${VIEW_ID}/${id}`;

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  gorgiasMock = mockGorgias(server);
  harness = await launchExtension(server);
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

beforeEach(async () => {
  appstle.reset();
  gorgiasMock.reset();
  await harness.setSettings({ stores: [appstleStore()], defaultStoreId: 'store-a' });
  await harness.clearLinkCache();
  await harness.writeClipboard(SENTINEL);
});

afterEach(async () => {
  await page?.close();
  page = undefined;
});

async function clickCopy(p: Page) {
  const before = appstle.requests().length;
  await inlineButton(p).click();
  await expect.poll(() => toast(p, 'status').textContent()).toMatch(COPIED_TOAST);
  return appstle.requests().slice(before).map(appstleLookup);
}

/** The customer link the button sits after (undefined while it isn't by one). */
const breadcrumbOfButton = (p: Page) =>
  p
    .locator('[data-portal-link="button"]')
    .evaluateAll((els) => els[0]?.previousElementSibling?.getAttribute('href') ?? undefined);

const tokenCustomer = (link: string) =>
  JSON.parse(Buffer.from((new URL(link).searchParams.get('token') ?? '').split('.')[1] ?? '', 'base64url').toString())
    .customerId;

describe('Gorgias inline button', () => {
  it('looks up by the Shopify id of the configured store’s shop (two shops linked)', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(201));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ customerId: '24680' }]);
    const link = await harness.readClipboard();
    expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    expect(tokenCustomer(link)).toBe(24680);
    // Both lookups went to Gorgias with the agent's session cookie.
    const api = gorgiasMock.apiRequests();
    expect(api.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/tickets/201', '/api/integrations?type=shopify&limit=100']),
    );
    expect(api.every((r) => String(r.headers.cookie).includes(`${GORGIAS_SESSION_COOKIE}=`))).toBe(true);
  });

  it('another store (the second shop) gets that shop’s id', async () => {
    await harness.setSettings({ stores: [appstleStore({ storeDomain: 'acme-outlet.myshopify.com' })] });
    page = await openHelpdeskPage(harness, ticketUrl(201));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    await inlineButton(page).click();
    // 99999 is unknown to the mock Appstle: the point is which id was asked for.
    await expect.poll(() => toast(page as Page, 'alert').textContent()).toMatch(/no subscription customer/);
    expect(appstleLookup(appstle.requests().at(-1))).toEqual({ customerId: '99999' });
  });

  it.each([
    { name: 'one shop: by its Shopify id', id: 202, lookup: { customerId: '12345' } },
    { name: 'no Shopify link: by email', id: 203, lookup: { email: BOB_G.email as string } },
    { name: 'API 404: by the infobar’s email channel', id: 204, lookup: { email: BOB_G.email as string } },
  ])('$name', async ({ id, lookup }) => {
    page = await openHelpdeskPage(harness, ticketUrl(id));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([lookup]);
    expect((await harness.readClipboard()).startsWith(expectedAppstleUrlPrefix())).toBe(true);
  });

  it('sits by the customer’s name link outside the thread (the thread links the previous customer too)', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(201));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    const host = page.locator('[data-portal-link="button"]');
    const previous = await host.evaluate((el) => ({
      href: el.previousElementSibling?.getAttribute('href'),
      inThread: !!el.closest('[aria-label="Ticket thread"]'),
    }));
    expect(previous).toEqual({ href: `/app/customer/${ANA.id}`, inThread: false });
  });

  it('the customer switched on the open ticket: the next copy uses the new one', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(202));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ customerId: '12345' }]);
    await page.evaluate(
      (id) =>
        (window as unknown as { __fixtureSwitchCustomer(t: number, c: number): Promise<void> }).__fixtureSwitchCustomer(
          202,
          id,
        ),
      BOB_G.id,
    );
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ email: BOB_G.email }]);
  });

  it('a customer without email or Shopify id: says so, copies nothing', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(205));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    await inlineButton(page).click();
    await expect.poll(() => toast(page as Page, 'alert').textContent()).toMatch(/No customer detected on this page/);
    expect(await harness.readClipboard()).toBe(SENTINEL);
  });

  it('in a view, follows the tickets clicked in the list (the list’s emails are never read)', async () => {
    page = await openHelpdeskPage(harness, viewUrl(203));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ email: BOB_G.email }]);

    await page
      .locator('nav', { hasText: 'Open tickets' })
      .getByRole('link', { name: /Skip a delivery/ })
      .click();
    await expect.poll(() => page?.url()).toBe(viewUrl(202));
    await expect.poll(() => breadcrumbOfButton(page as Page)).toBe(`/app/customer/${JANE_G.id}`);
    expect(await inlineButton(page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ customerId: '12345' }]);

    await page
      .locator('nav', { hasText: 'Open tickets' })
      .getByRole('link', { name: /Where is my order/ })
      .click();
    await expect.poll(() => breadcrumbOfButton(page as Page)).toBe(`/app/customer/${ANA.id}`);
    expect(await clickCopy(page)).toEqual([{ customerId: '24680' }]);
    expect(await inlineButton(page).count()).toBe(1);

    await page.locator('nav', { hasText: 'Open tickets' }).getByRole('link', { name: 'Back to view' }).click();
    await expect.poll(() => inlineButton(page as Page).count()).toBe(0);
  });

  it('the shortcut copies for the ticket on screen', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(202));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    const before = appstle.requests().length;
    await pressShortcut(harness, page);
    await expect.poll(() => toast(page as Page, 'status').textContent()).toMatch(COPIED_TOAST);
    expect(appstle.requests().slice(before).map(appstleLookup)).toEqual([{ customerId: '12345' }]);
    expect(tokenCustomer(await harness.readClipboard())).toBe(12345);
  });

  it('the popup shows the detected customer with the Shopify id and copies with an empty field', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(202));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    await page.bringToFront();
    const popup = await harness.open('popup.html');
    const card = popup.getByRole('region', { name: 'Customer on this ticket' });
    await expect.poll(() => card.textContent()).toContain('Gorgias ticket #202');
    expect(await card.textContent()).toContain(JANE_G.name);
    expect(await card.textContent()).toContain(JANE_G.email);
    expect(await card.textContent()).toContain('Shopify customer 12345');
    const before = appstle.requests().length;
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    expect(appstle.requests().slice(before).map(appstleLookup)).toEqual([{ customerId: '12345' }]);
    expect(tokenCustomer(await harness.readClipboard())).toBe(12345);
    await popup.close();
  });
});
