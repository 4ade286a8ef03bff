/**
 * The fault matrix: every way a provider can fail, through the real popup, the real worker and
 * HTTP to the mocks. Each fault must give its own agent-facing message within the 10 s budget,
 * leave the clipboard alone and never show the key.
 */
import type { ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  APPSTLE_KEY,
  type Fault,
  GIGSTACK_KEY,
  mockAppstle,
  mockGigstack,
  type ProviderMock,
} from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type Harness, launchExtension } from './support/extension';
import { finishAfterAll } from './support/secrets';
import { appstleStore, gigstackStore } from './support/settings';

let server: MockServer;
let appstle: ProviderMock;
let gigstack: ProviderMock;
let harness: Harness;

const SENTINEL = 'clipboard before the fault';
const httpDate = (secondsFromNow: number) => new Date(Date.now() + secondsFromNow * 1000).toUTCString();
const times = (n: number, fault: Fault): Fault[] => Array.from({ length: n }, () => fault);
const huge: Fault = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`{"token":"${'x'.repeat(5 * 1024 * 1024)}"}`);
};
const gigstackUrl = (url: string): Fault => ({
  status: 200,
  body: { message: 'ok', data: { url, expires_at: Date.now() + 3600_000, session_id: 's' } },
});

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  gigstack = mockGigstack(server);
  harness = await launchExtension(server);
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

beforeEach(async () => {
  appstle.reset();
  gigstack.reset();
  await harness.clearLinkCache();
  await harness.writeClipboard(SENTINEL);
});

async function copyInPopup(customer: string): Promise<{ page: Page; alert: string; ms: number }> {
  const page = await harness.open('popup.html');
  const started = Date.now();
  await page.getByLabel('Customer email or ID').fill(customer);
  await page.getByRole('button', { name: 'Copy portal link' }).click();
  const alert = page.getByRole('alert');
  await alert.and(page.locator(':not(:empty)')).waitFor({ timeout: 12_000 });
  return { page, alert: (await alert.textContent()) ?? '', ms: Date.now() - started };
}

interface Row {
  fault: string;
  faults: Fault[];
  message: RegExp;
  /** Requests the provider should see: retries only where the policy allows them. */
  calls?: number;
}

const appstleRows: Row[] = [
  {
    fault: '400 problem JSON',
    faults: [{ status: 400, body: { title: 'Bad Request', status: 400, detail: 'email is invalid' } }],
    message: /Appstle refused the lookup/,
    calls: 1,
  },
  {
    fault: '400 saying not found',
    faults: [{ status: 400, body: { message: 'Customer not found', error: 'not_found' } }],
    message: /no subscription customer/,
    calls: 1,
  },
  {
    fault: '401',
    faults: [{ status: 401, body: { title: 'Unauthorized', status: 401 } }],
    message: /rejected the API key/,
    calls: 1,
  },
  {
    fault: '403',
    faults: [{ status: 403, body: { error: { code: 'forbidden', message: 'nope' } } }],
    message: /rejected the API key/,
    calls: 1,
  },
  {
    fault: '404',
    faults: [{ status: 404, body: { title: 'Not Found', status: 404 } }],
    message: /no subscription customer/,
    calls: 1,
  },
  {
    fault: '429 Retry-After 1 s, every time',
    faults: times(3, { status: 429, body: {}, headers: { 'retry-after': '1' } }),
    message: /rate limiting.*Try again in 1 s/,
    calls: 3,
  },
  {
    fault: '429 Retry-After as HTTP date, over the budget',
    // The date is computed when the reply is written: the table is built long before this test runs.
    faults: [
      (res) => res.writeHead(429, { 'content-type': 'application/json', 'retry-after': httpDate(90) }).end('{}'),
    ],
    message: /rate limiting.*Try again in (8\d|9\d) s/,
    calls: 1,
  },
  {
    fault: '429 Retry-After over the cap (3600 s)',
    faults: [{ status: 429, body: {}, headers: { 'retry-after': '3600' } }],
    message: /Try again in 3600 s/,
    calls: 1,
  },
  {
    fault: '429 Retry-After malformed',
    faults: times(3, { status: 429, body: {}, headers: { 'retry-after': 'soon-ish' } }),
    message: /rate limiting.*Try again in a minute/,
    calls: 3,
  },
  ...[500, 502, 503, 504].map((status) => ({
    fault: `${status} (retried twice)`,
    faults: times(3, { status, body: '<html><body>Bad gateway</body></html>' }),
    message: /Appstle is having trouble/,
    calls: 3,
  })),
  { fault: 'connection reset', faults: times(6, 'reset'), message: /Appstle is having trouble/ },
  {
    fault: 'malformed JSON',
    faults: [{ status: 200, body: '{"customerId": 1, "token": ' }],
    message: /doesn't understand/,
    calls: 1,
  },
  {
    fault: 'HTML body with 200',
    faults: [{ status: 200, body: '<!doctype html><h1>Login</h1>' }],
    message: /doesn't understand/,
    calls: 1,
  },
  { fault: '5 MB body', faults: [huge], message: /doesn't understand/, calls: 1 },
  {
    fault: 'missing token',
    faults: [{ status: 200, body: { customerId: 12345 } }],
    message: /doesn't understand/,
    calls: 1,
  },
];

const gigstackRows: Row[] = [
  {
    fault: '400 {message, error}',
    faults: [{ status: 400, body: { message: 'Invalid email', error: 'invalid_request' } }],
    message: /gigstack refused the lookup/,
    calls: 1,
  },
  {
    fault: '401 {error:{code,message}}',
    faults: [{ status: 401, body: { error: { code: 'unauthorized', message: 'bad key' } } }],
    message: /gigstack rejected the API key/,
    calls: 1,
  },
  {
    fault: '500 (POST is not retried)',
    faults: times(3, { status: 500, body: { message: 'Internal', error: 'internal' } }),
    message: /gigstack is having trouble/,
    calls: 1,
  },
  {
    fault: '429 without Retry-After (POST is not retried)',
    faults: times(3, { status: 429, body: {} }),
    message: /gigstack is rate limiting/,
    calls: 1,
  },
  {
    fault: 'javascript: URL',
    faults: [gigstackUrl('javascript:alert(document.cookie)')],
    message: /isn't a secure portal address/,
    calls: 1,
  },
  {
    fault: 'http: URL',
    faults: [gigstackUrl('http://portal.gigstack.io/session/x')],
    message: /isn't a secure portal address/,
    calls: 1,
  },
  {
    fault: 'foreign host',
    faults: [gigstackUrl('https://gigstack.io.evil.example/session/x')],
    message: /isn't a secure portal address/,
    calls: 1,
  },
  {
    fault: 'missing data.url',
    faults: [{ status: 200, body: { message: 'ok', data: {} } }],
    message: /doesn't understand/,
    calls: 1,
  },
];

describe.each([
  {
    provider: 'Appstle',
    rows: appstleRows,
    mock: () => appstle,
    key: APPSTLE_KEY,
    store: appstleStore,
    customer: 'jane@example.com',
  },
  {
    provider: 'gigstack',
    rows: gigstackRows,
    mock: () => gigstack,
    key: GIGSTACK_KEY,
    store: gigstackStore,
    customer: 'client_jane01',
  },
])('$provider faults', ({ rows, mock, key, store, customer }) => {
  beforeEach(async () => {
    await harness.setSettings({ stores: [store()] });
  });

  it.each(rows)('$fault', async ({ faults, message, calls }) => {
    const before = mock().requests().length;
    mock().fail(...faults);
    const { page, alert, ms } = await copyInPopup(customer);
    expect(alert).toMatch(message);
    expect(alert).not.toContain(key);
    expect(ms).toBeLessThan(10_500);
    expect(await harness.readClipboard()).toBe(SENTINEL);
    if (calls !== undefined) expect(mock().requests().length - before).toBe(calls);
    await page.close();
  });

  it('a hang ends at the 10 s budget', async () => {
    mock().fail('hang', 'hang', 'hang');
    const { page, alert, ms } = await copyInPopup(customer);
    expect(alert).toMatch(/did not answer within 10 seconds/);
    expect(ms).toBeGreaterThan(9_000);
    // 10 s in the worker; the rest is the popup rendering the alert and the driver noticing it on a busy machine.
    expect(ms).toBeLessThan(12_500);
    expect(await harness.readClipboard()).toBe(SENTINEL);
    await page.close();
  }, 20_000);
});

describe('offline', () => {
  it('says to check the connection when the browser is offline', async () => {
    await harness.setSettings({ stores: [appstleStore()] });
    const page = await harness.open('popup.html');
    // Playwright's offline emulation reaches the service worker too (navigator.onLine is false there).
    await harness.context.setOffline(true);
    try {
      const worker = await harness.currentWorker();
      expect(await worker.evaluate(() => navigator.onLine)).toBe(false);
      await page.getByLabel('Customer email or ID').fill('jane@example.com');
      await page.getByRole('button', { name: 'Copy portal link' }).click();
      const alert = page.getByRole('alert');
      await alert.and(page.locator(':not(:empty)')).waitFor({ timeout: 12_000 });
      expect(await alert.textContent()).toMatch(/Can't reach Appstle. Check your internet connection/);
    } finally {
      await harness.context.setOffline(false);
      await page.close();
    }
    expect(await harness.readClipboard()).toBe(SENTINEL);
  });
});

describe('secrets', () => {
  it('no key ever appears in any console line of the run', () => {
    const all = harness.consoleLines.join('\n');
    expect(all).not.toContain(APPSTLE_KEY);
    expect(all).not.toContain(GIGSTACK_KEY);
  });
});
