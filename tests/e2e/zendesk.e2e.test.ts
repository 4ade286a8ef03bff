import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BOB,
  JANE,
  mockZendesk,
  ZENDESK_HOST,
  ZENDESK_SESSION_COOKIE,
  type ZendeskMock,
} from '../fixtures/helpdesk/zendesk';
import { expectedAppstleUrlPrefix, mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { E2E_BUILD, type Harness, launchExtension } from './support/extension';
import {
  appstleLookup,
  badgeOf,
  COPIED_TOAST,
  inlineButton,
  openHelpdeskPage,
  pressShortcut,
  tabIdOf,
  toast,
} from './support/helpdesk';
import { finishAfterAll } from './support/secrets';
import { appstleStore } from './support/settings';

let server: MockServer;
let appstle: ProviderMock;
let zendeskMock: ZendeskMock;
let harness: Harness;
let page: Page | undefined;

const SENTINEL = 'clipboard before the test';
const ticketUrl = (id: number) => `https://${ZENDESK_HOST}/agent/tickets/${id}`;

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  zendeskMock = mockZendesk(server);
  harness = await launchExtension(server);
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

beforeEach(async () => {
  appstle.reset();
  zendeskMock.reset();
  await harness.setSettings({ stores: [appstleStore()], defaultStoreId: 'store-a' });
  await harness.clearLinkCache();
  await harness.writeClipboard(SENTINEL);
});

afterEach(async () => {
  await page?.close();
  page = undefined;
});

/** Clicks the inline button and waits for the toast; returns the Appstle lookups it caused. */
async function clickCopy(p: Page) {
  const before = appstle.requests().length;
  await inlineButton(p).click();
  await expect.poll(() => toast(p, 'status').textContent()).toMatch(COPIED_TOAST);
  return appstle.requests().slice(before).map(appstleLookup);
}

describe('Zendesk inline button', () => {
  it('copies the requester’s link, never the email quoted in a comment', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(101));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    const lookups = await clickCopy(page);
    expect(lookups).toEqual([{ email: JANE.email }]);
    expect(appstle.requests().some((r) => appstleLookup(r).email === BOB.email)).toBe(false);
    const link = await harness.readClipboard();
    expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    // The requester came from Zendesk's API, asked with the agent's session cookie.
    const api = zendeskMock.apiRequests().filter((r) => r.path === '/api/v2/tickets/101.json?include=users');
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => String(r.headers.cookie).includes(`${ZENDESK_SESSION_COOKIE}=`))).toBe(true);
  });

  it('sits by the requester field in the layout of the ticket in the URL', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(102));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    const host = page.locator('[data-test-id="ticket-102-custom-layout"] [data-portal-link="button"]');
    expect(await host.count()).toBe(1);
    const previous = await host.evaluate((el) => el.previousElementSibling?.getAttribute('data-test-id'));
    expect(previous).toBe('ticket-system-field-requester-select');
  });

  it('API refused (403): reads the context panel of the ticket’s layout (here its first column)', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(104));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ email: JANE.email }]);
    expect((await harness.readClipboard()).startsWith(expectedAppstleUrlPrefix())).toBe(true);
  });

  it('API refused (401) and the customer panel not open: says opening it fixes it, never a CC or a comment’s email', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(103));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    const before = appstle.requests().length;
    await inlineButton(page).click();
    await expect
      .poll(() => toast(page as Page, 'alert').textContent())
      .toBe('Portal Link can’t read this ticket’s requester. Open the Customer panel on the right, then try again.');
    expect(appstle.requests().length).toBe(before);
    expect(await harness.readClipboard()).toBe(SENTINEL);
  });

  it('a partial side-loaded requester: the email from the users API', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(109));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ email: BOB.email }]);
    expect(zendeskMock.apiRequests().some((r) => r.path === `/api/v2/users/${BOB.id}.json`)).toBe(true);
  });

  it('the requester changed on the open ticket: the next copy and the shortcut use the new one', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(102));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ email: BOB.email }]);
    await page.evaluate(
      (id) =>
        (
          window as unknown as { __fixtureChangeRequester(t: number, u: number): Promise<void> }
        ).__fixtureChangeRequester(102, id),
      JANE.id,
    );
    await expect
      .poll(() =>
        page
          ?.locator('[data-test-id="ticket-102-custom-layout"] [data-test-id="ticket-system-field-requester-select"]')
          .textContent(),
      )
      .toBe(JANE.name);
    expect(await clickCopy(page)).toEqual([{ email: JANE.email }]);
    expect(await inlineButton(page).count()).toBe(1);
    const before = appstle.requests().length;
    await harness.clearLinkCache();
    await pressShortcut(harness, page);
    await expect.poll(() => appstle.requests().length).toBeGreaterThan(before);
    expect(appstle.requests().slice(before).map(appstleLookup)).toEqual([{ email: JANE.email }]);
  });

  it('a requester without an email: names them with the next step, copies nothing', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(105));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    const before = appstle.requests().length;
    await inlineButton(page).click();
    await expect
      .poll(() => toast(page as Page, 'alert').textContent())
      .toBe('Carlos Phone has no email on this ticket. Type their email or customer ID in the Portal Link popup.');
    expect(appstle.requests().length).toBe(before);
    expect(await harness.readClipboard()).toBe(SENTINEL);
  });

  it('follows pushState, tab switches, Back and replaceState; one button throughout; gone off a ticket', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(101));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);

    // To a ticket not open yet (its layout is fetched and mounted), then to an open tab (already mounted).
    await page.locator('#views').getByRole('link', { name: '#104' }).click();
    await expect.poll(() => page?.url()).toBe(ticketUrl(104));
    await expect
      .poll(() => page?.locator('[data-test-id="ticket-104-custom-layout"] [data-portal-link="button"]').count())
      .toBe(1);
    expect(await inlineButton(page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ email: JANE.email }]);

    await page.locator('#views').getByRole('link', { name: '#102' }).click();
    await expect
      .poll(() => page?.locator('[data-test-id="ticket-102-custom-layout"] [data-portal-link="button"]').count())
      .toBe(1);
    expect(await inlineButton(page).count()).toBe(1);
    expect(await clickCopy(page)).toEqual([{ email: BOB.email }]);

    // Back (popstate) to #104, whose layout stayed mounted.
    await page.goBack();
    await expect
      .poll(() => page?.locator('[data-test-id="ticket-104-custom-layout"] [data-portal-link="button"]').count())
      .toBe(1);
    await harness.clearLinkCache();
    expect(await clickCopy(page)).toEqual([{ email: JANE.email }]);
    expect(await inlineButton(page).count()).toBe(1);

    // replaceState (the fixture re-renders on the popstate it then dispatches itself).
    await page.evaluate(() => {
      history.replaceState({}, '', '/agent/tickets/109');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await expect
      .poll(() => page?.locator('[data-test-id="ticket-109-custom-layout"] [data-portal-link="button"]').count())
      .toBe(1);
    expect(await clickCopy(page)).toEqual([{ email: BOB.email }]);
    expect(await inlineButton(page).count()).toBe(1);

    // Leaving the tickets: the button goes.
    await page.locator('#views').getByRole('link', { name: 'Home' }).click();
    await expect.poll(() => inlineButton(page as Page).count()).toBe(0);
    expect(await page.locator('[data-portal-link="button"]').count()).toBe(0);
  });

  it('the shortcut copies for the ticket on screen, with the toast', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(102));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    const before = appstle.requests().length;
    await pressShortcut(harness, page);
    await expect.poll(() => toast(page as Page, 'status').textContent()).toMatch(COPIED_TOAST);
    expect(appstle.requests().slice(before).map(appstleLookup)).toEqual([{ email: BOB.email }]);
    expect((await harness.readClipboard()).startsWith(expectedAppstleUrlPrefix())).toBe(true);
  });
});

describe('Zendesk ticket in the popup', () => {
  it('shows the detected customer; an empty field copies for them, typed input overrides', async () => {
    page = await openHelpdeskPage(harness, ticketUrl(101));
    await expect.poll(() => inlineButton(page as Page).count()).toBe(1);
    await page.bringToFront();
    const popup = await harness.open('popup.html');
    const card = popup.getByRole('region', { name: 'Customer on this ticket' });
    await expect.poll(() => card.textContent()).toContain('Zendesk ticket #101');
    expect(await card.textContent()).toContain(JANE.name);
    expect(await card.textContent()).toContain(JANE.email);

    const before = appstle.requests().length;
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    await popup.getByLabel('Customer email or ID').fill(BOB.email as string);
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => appstle.requests().length - before).toBe(2);
    expect(appstle.requests().slice(before).map(appstleLookup)).toEqual([{ email: JANE.email }, { email: BOB.email }]);
    await popup.close();
  });

  it('off a ticket the popup shows no customer and the shortcut says so on the badge', async () => {
    page = await openHelpdeskPage(harness, 'https://clipboard.portal-link.test/');
    const popup = await harness.open('popup.html');
    await popup.getByLabel('Customer email or ID').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await popup.getByRole('region', { name: 'Customer on this ticket' }).count()).toBe(0);
    await popup.close();

    const tabId = await tabIdOf(harness, page);
    await pressShortcut(harness, page);
    await expect
      .poll(() => badgeOf(harness, tabId))
      .toEqual({
        text: '!',
        title: expect.stringContaining('No customer detected on this page'),
      });
    expect(await harness.readClipboard()).toBe(SENTINEL);
  });

  it('on Zendesk but off a ticket, the shortcut says so in a toast', async () => {
    page = await openHelpdeskPage(harness, `https://${ZENDESK_HOST}/agent/dashboard`);
    await pressShortcut(harness, page);
    await expect.poll(() => toast(page as Page, 'alert').textContent()).toMatch(/No customer detected on this page/);
    expect(await inlineButton(page).count()).toBe(0);
  });
});

describe('the e2e build’s hook (fallback to dispatching the browser event)', () => {
  it('__portalLinkTest.command reaches the same shortcut handler', async () => {
    const e2e = await launchExtension(server, { build: E2E_BUILD });
    try {
      await e2e.setSettings({ stores: [appstleStore()] });
      const ticket = await openHelpdeskPage(e2e, ticketUrl(101));
      await expect.poll(() => inlineButton(ticket).count()).toBe(1);
      const tabId = await tabIdOf(e2e, ticket);
      const worker = await e2e.currentWorker();
      const outcome = await worker.evaluate(
        (tabId) =>
          (
            globalThis as unknown as {
              __portalLinkTest: { command: (name: string, tab: { id: number }) => Promise<unknown> };
            }
          ).__portalLinkTest.command('copy-portal-link', { id: tabId }),
        tabId,
      );
      expect(outcome).toEqual({ ok: true, shownInPage: true });
      await expect.poll(() => toast(ticket, 'status').textContent()).toMatch(COPIED_TOAST);
      expect((await e2e.readClipboard()).startsWith(expectedAppstleUrlPrefix())).toBe(true);
    } finally {
      await e2e.close();
    }
  });
});
