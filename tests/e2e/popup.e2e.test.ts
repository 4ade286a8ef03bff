import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { APPSTLE_KEY, expectedAppstleUrlPrefix, mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type ChromeGlobal, type Harness, launchExtension } from './support/extension';
import { inlineButton } from './support/helpdesk';
import { finishAfterAll } from './support/secrets';
import { appstleStore } from './support/settings';
import { inPageButton } from './support/shadow';

let server: MockServer;
let appstle: ProviderMock;
let harness: Harness;
let popup: Page;

const SENTINEL = 'clipboard before the test';

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  mockZendesk(server);
  harness = await launchExtension(server);
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

beforeEach(async () => {
  appstle.reset();
  await harness.setSettings({ stores: [appstleStore()], defaultStoreId: 'store-a' });
  await harness.clearLinkCache();
  await harness.writeClipboard(SENTINEL);
  popup = await harness.open('popup.html');
});

afterEach(async () => {
  await popup.close();
});

async function copy(customer: string) {
  await popup.getByLabel('Customer email or ID').fill(customer);
  await popup.getByRole('button', { name: 'Copy portal link' }).click();
}

describe('popup copy', () => {
  it('copies the link for an email, and the clipboard holds exactly that link', async () => {
    const before = appstle.requests().length;
    await copy('  jane@example.com ');
    const status = popup.getByRole('status');
    await expect.poll(() => status.textContent()).toMatch(/copied/i);
    const link = await harness.readClipboard();
    expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    expect(await status.textContent()).toContain(link);
    // An Appstle link lives 2 h: after 22:00 its expiry is tomorrow and carries the date.
    expect(await status.textContent()).toMatch(/expires (\d{1,2} [A-Z][a-z]{2} )?\d{2}:\d{2}/);
    const seen = appstle.requests().slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['x-api-key']).toBe(APPSTLE_KEY);
    expect(new URL(seen[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe('jane@example.com');
    // The token in the link decodes to the customer the mock issued it for.
    const token = new URL(link).searchParams.get('token') ?? '';
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).customerId).toBe(12345);
  });

  it('copies by Shopify gid, looking the customer up by id, with Enter', async () => {
    const before = appstle.requests().length;
    await popup.getByLabel('Customer email or ID').fill('gid://shopify/Customer/67890');
    await popup.getByLabel('Customer email or ID').press('Enter');
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    const seen = appstle.requests().slice(before);
    expect(new URL(seen[0]?.path ?? '', 'https://x').searchParams.get('customerId')).toBe('67890');
    const link = await harness.readClipboard();
    const token = new URL(link).searchParams.get('token') ?? '';
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).customerId).toBe(67890);
  });

  it('reuses a cached link for the same customer without calling Appstle again', async () => {
    await copy('12345');
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    const first = await harness.readClipboard();
    const before = appstle.requests().length;
    await harness.writeClipboard(SENTINEL);
    await popup.bringToFront();
    await copy('gid://shopify/Customer/12345');
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/reused/);
    expect(appstle.requests().length).toBe(before);
    expect(await harness.readClipboard()).toBe(first);
  });

  it('uses the token’s shop when no store domain is set', async () => {
    await harness.setSettings({ stores: [appstleStore({ storeDomain: '' })] });
    await copy('jane@example.com');
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    expect((await harness.readClipboard()).startsWith(expectedAppstleUrlPrefix('acme-shop.myshopify.com'))).toBe(true);
  });
});

describe('popup errors: shown in role=alert, clipboard untouched', () => {
  const cases: {
    name: string;
    input?: string;
    faults?: Parameters<ProviderMock['fail']>;
    alert: RegExp;
    calls?: number;
  }[] = [
    { name: 'unknown customer (404)', input: 'nobody@example.com', alert: /no subscription customer/i },
    {
      name: 'wrong key (401)',
      faults: [{ status: 401, body: { title: 'Unauthorized', status: 401 } }],
      alert: /rejected the API key/,
    },
    {
      name: 'forbidden (403)',
      faults: [{ status: 403, body: { message: 'Forbidden', error: 'forbidden' } }],
      alert: /rejected the API key/,
    },
    {
      name: 'rate limited beyond the budget (429, Retry-After 120)',
      faults: [{ status: 429, body: {}, headers: { 'retry-after': '120' } }],
      alert: /Try again in 120 s/,
      calls: 1,
    },
    {
      name: 'provider down (503 three times)',
      faults: [
        { status: 503, body: '<html>down</html>' },
        { status: 503, body: '<html>down</html>' },
        { status: 503, body: '<html>down</html>' },
      ],
      alert: /Appstle is having trouble/,
      calls: 3,
    },
    { name: 'malformed JSON', faults: [{ status: 200, body: '{"token": ' }], alert: /doesn't understand/ },
    { name: 'missing token field', faults: [{ status: 200, body: { customerId: 1 } }], alert: /doesn't understand/ },
    // Chromium itself retries a reset on a reused connection, so every attempt is reset.
    {
      name: 'connection reset',
      faults: ['reset', 'reset', 'reset', 'reset', 'reset'],
      alert: /Appstle is having trouble/,
    },
    { name: 'malformed input', input: 'not an email', alert: /not an email address or a customer ID/, calls: 0 },
  ];

  it.each(cases)('$name', async ({ input = 'jane@example.com', faults = [], alert, calls }) => {
    const before = appstle.requests().length;
    appstle.fail(...faults);
    await copy(input);
    const alertBox = popup.getByRole('alert');
    await expect.poll(() => alertBox.textContent(), { timeout: 15_000 }).toMatch(alert);
    expect(await alertBox.textContent()).not.toContain(APPSTLE_KEY);
    expect(await popup.locator('[role="status"]').textContent()).toBe('');
    expect(await harness.readClipboard()).toBe(SENTINEL);
    if (calls !== undefined) expect(appstle.requests().length - before).toBe(calls);
  });

  it('a hang ends within the 10 s budget with a timeout message', async () => {
    appstle.fail('hang');
    const started = Date.now();
    await copy('jane@example.com');
    await expect
      .poll(() => popup.getByRole('alert').textContent(), { timeout: 15_000 })
      .toMatch(/did not answer within 10 seconds/);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(await harness.readClipboard()).toBe(SENTINEL);
  }, 20_000);

  it('no store configured: a Finish set-up state that offers only Open settings', async () => {
    await harness.setSettings({ stores: [] });
    await popup.reload();
    await popup.getByRole('heading', { name: 'Finish set-up' }).waitFor();
    expect(await popup.getByRole('button').allTextContents()).toEqual(['Open settings']);
    const open = popup.getByRole('button', { name: 'Open settings' });
    const optionsPage = harness.context.waitForEvent('page');
    await open.click();
    expect((await optionsPage).url()).toContain('options.html');
  });
});

describe('the key stays in the background', () => {
  it('appears in no console line and no popup markup', async () => {
    await copy('jane@example.com');
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    expect(await popup.content()).not.toContain(APPSTLE_KEY);
    expect(harness.consoleLines.join('\n')).not.toContain(APPSTLE_KEY);
    expect(await harness.readClipboard()).not.toContain(APPSTLE_KEY);
  });
});

const magicLinkCalls = (from: number) =>
  appstle
    .requests()
    .slice(from)
    .filter((r) => r.path.startsWith('/api/external/v2/subscription-contracts-email-magic-link'));

describe('popup: what an agent sees and can do', () => {
  it('asks the background for the settings once per open (so a relay is asked for its stores once)', async () => {
    await harness.setSettings({ stores: [appstleStore(), appstleStore({ id: 'store-b', name: 'Beta' })] });
    const worker = await harness.currentWorker();
    await worker.evaluate(() => {
      const g = globalThis as unknown as ChromeGlobal & { settingsAsked: number };
      g.settingsAsked = 0;
      // Only this open's asks count: the beforeEach popup may still be sending its own.
      g.chrome.runtime.onMessage.addListener((message: { type?: string }, sender: { url?: string }) => {
        if (message?.type === 'get-settings' && sender.url?.endsWith('#counted')) g.settingsAsked++;
      });
    });
    const fresh = await harness.open('popup.html#counted');
    await fresh.getByLabel('Store').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await worker.evaluate(() => (globalThis as unknown as { settingsAsked: number }).settingsAsked)).toBe(1);
    await fresh.close();
  });

  it('the customer field has focus on open; an empty Copy asks for a customer and sends nothing', async () => {
    await expect.poll(() => popup.evaluate(() => document.activeElement?.id)).toBe('customer');
    const before = appstle.requests().length;
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('alert').textContent()).toBe('Type the customer’s email or customer ID.');
    expect(appstle.requests().length).toBe(before);
  });

  it('the expiry as a person reads it: the time, what is left, single-use; a reuse says what it means', async () => {
    await copy('jane@example.com');
    const status = popup.getByRole('status');
    await expect.poll(() => status.textContent()).toMatch(/copied/);
    // The contract's words first ("expires 21:31"), then what is left of Appstle's 2 hours.
    expect(await status.textContent()).toMatch(
      /^Portal link for jane@example\.com copied · expires (\d{1,2} [A-Z][a-z]{2} )?\d{2}:\d{2} \(in (1 h 5\d min|2 h)\)/,
    );
    expect(await status.textContent()).toContain('Appstle treats portal links as single-use.');
    await copy('jane@example.com');
    await expect.poll(() => status.textContent()).toContain('(reused)');
    expect(await status.textContent()).toContain('A repeat within 2 minutes gets the same link');
  });

  it('Email waits 5 s for Undo before its one request; an undone email is never sent', async () => {
    const before = magicLinkCalls(0).length;
    await popup.getByLabel('Customer email or ID').fill('jane@example.com');
    await popup.getByRole('button', { name: 'Email portal link' }).click();
    await expect
      .poll(() => popup.getByRole('status').textContent())
      .toMatch(/^Sending the portal link to jane@example\.com…/);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await popup.getByRole('button', { name: 'Undo' }).click();
    await expect
      .poll(() => popup.getByRole('status').textContent())
      .toBe('Not sent. Nothing was emailed to jane@example.com.');
    const started = Date.now();
    await popup.getByRole('button', { name: 'Email portal link' }).click();
    await expect
      .poll(() => popup.getByRole('status').textContent(), { timeout: 10_000 })
      .toBe('Portal link emailed to jane@example.com');
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    // One request in all: the undone one never left.
    expect(magicLinkCalls(0).length - before).toBe(1);
  }, 20_000);

  it('a ticket customer without an email: one true sentence, only the actions that can work', async () => {
    await harness.setSettings({ stores: [appstleStore({ helpdeskHosts: [ZENDESK_HOST] })], defaultStoreId: 'store-a' });
    const ticket = await harness.context.newPage();
    await ticket.goto(`https://${ZENDESK_HOST}/agent/tickets/105`);
    await inlineButton(ticket).waitFor();
    const fresh = await harness.open('popup.html');
    const sentence = 'Carlos Phone has no email on this ticket — type their email or customer ID.';
    await fresh.getByText(sentence).waitFor();
    expect(await fresh.getByText('Leave the field empty', { exact: false }).count()).toBe(0);
    expect(await fresh.getByRole('button').allTextContents()).toEqual(['Copy portal link']);
    const before = appstle.requests().length;
    await fresh.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => fresh.getByRole('alert').textContent()).toBe(sentence);
    expect(appstle.requests().length).toBe(before);
    // Typed: every action works now.
    await fresh.getByLabel('Customer email or ID').fill('carlos@example.com');
    await expect
      .poll(() => fresh.getByRole('button').allTextContents())
      .toEqual(['Copy portal link', 'Email portal link', 'Insert into reply']);
    await fresh.close();
    await ticket.close();
  });
});

describe.each([
  { language: 'en', copy: 'Copy portal link' },
  { language: 'es', copy: 'Copiar enlace del portal' },
])('popup layout ($language)', ({ language, copy }) => {
  it('one primary action across the width, the others in one row of whole labels; 14 px text, 12 px hints', async () => {
    const own = language === 'en' ? harness : await launchExtension(server, { language });
    try {
      await own.setSettings({ stores: [appstleStore({ helpdeskHosts: [ZENDESK_HOST] })], defaultStoreId: 'store-a' });
      const ticket = await own.context.newPage();
      await ticket.goto(`https://${ZENDESK_HOST}/agent/tickets/101`);
      await inPageButton(ticket, copy).waitFor();
      const view = await own.open('popup.html');
      await view.locator('.more-actions button').nth(1).waitFor();
      const layout = await view.evaluate(() => {
        const box = (el: Element | null) => el?.getBoundingClientRect() ?? new DOMRect();
        const size = (selector: string) => getComputedStyle(document.querySelector(selector) as Element).fontSize;
        const primary = document.querySelector('button[type="submit"]');
        const more = [...document.querySelectorAll('.more-actions button')] as HTMLElement[];
        return {
          primaryWidth: box(primary).width,
          formWidth: box(document.querySelector('form')).width,
          rows: new Set(more.map((b) => Math.round(box(b).top))).size,
          widths: new Set(more.map((b) => Math.round(box(b).width))).size,
          clipped: more.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.textContent),
          body: size('label'),
          input: size('input'),
          hint: size('.hint'),
        };
      });
      expect(layout.primaryWidth).toBe(layout.formWidth);
      expect(layout).toMatchObject({ rows: 1, widths: 1, clipped: [], body: '14px', input: '14px', hint: '12px' });
      await view.close();
      await ticket.close();
    } finally {
      if (own !== harness) await own.close();
    }
  });
});
