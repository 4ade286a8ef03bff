import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APPSTLE_KEY, expectedAppstleUrlPrefix, mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type Harness, launchExtension } from './support/extension';
import { finishAfterAll } from './support/secrets';
import { appstleStore } from './support/settings';

let server: MockServer;
let appstle: ProviderMock;
let harness: Harness;
let popup: Page;

const SENTINEL = 'clipboard before the test';

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
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

  it('no store configured: says so and offers to open settings', async () => {
    await harness.setSettings({ stores: [] });
    await copy('jane@example.com');
    await expect.poll(() => popup.getByRole('alert').textContent()).toMatch(/No store is set up/);
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
