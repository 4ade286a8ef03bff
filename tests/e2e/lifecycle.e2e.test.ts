/** The service worker dies when idle (and sometimes mid-request): the next click must still work. */
import type { ServerResponse } from 'node:http';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type Harness, launchExtension } from './support/extension';
import { finishAfterAll } from './support/secrets';
import { appstleStore } from './support/settings';

let server: MockServer;
let appstle: ProviderMock;
let harness: Harness;

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  harness = await launchExtension(server);
  await harness.setSettings({ stores: [appstleStore()] });
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

beforeEach(() => appstle.reset());

async function copyInPopup(customer: string) {
  const page = await harness.open('popup.html');
  await page.getByLabel('Customer email or ID').fill(customer);
  await page.getByRole('button', { name: 'Copy portal link' }).click();
  return page;
}

describe('service worker lifecycle', () => {
  it('stopped between requests: the next copy works and the link cache survived', async () => {
    const first = await copyInPopup('jane@example.com');
    await expect.poll(() => first.getByRole('status').textContent()).toMatch(/copied/i);
    const link = await harness.readClipboard();
    await first.close();

    await harness.stopWorker();
    const before = appstle.requests().length;
    await harness.writeClipboard('before');
    const second = await copyInPopup('jane@example.com');
    await expect.poll(() => second.getByRole('status').textContent()).toMatch(/copied.*reused/i);
    expect(appstle.requests().length).toBe(before);
    expect(await harness.readClipboard()).toBe(link);
    await second.close();
  });

  it('stopped mid-request: the agent sees an error, and the next click works', async () => {
    await harness.clearLinkCache();
    // Appstle answers only after 3 s; the worker is stopped while it waits.
    appstle.fail((res: ServerResponse) => {
      setTimeout(() => res.writeHead(503).end(), 3_000);
    });
    await harness.writeClipboard('before');
    const page = await copyInPopup('bob.requester@example.org');
    await page.waitForTimeout(500);
    await harness.stopWorker();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 12_000 })
      .toMatch(/interrupted before it answered/);
    expect(await harness.readClipboard()).toBe('before');

    await page.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 12_000 }).toMatch(/copied/i);
    expect(await harness.readClipboard()).toMatch(
      /^https:\/\/acme-shop\.myshopify\.com\/tools\/recurring\/customer_portal\?token=/,
    );
    await page.close();
  });
});
