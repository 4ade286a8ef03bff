/** Corrupted settings must give a clear "needs attention" state and a way out, never a crash. */
import { beforeAll, describe, expect, it } from 'vitest';
import { APPSTLE_KEY, mockAppstle, SHOP } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type ChromeGlobal, type Harness, launchExtension } from './support/extension';
import { finishAfterAll } from './support/secrets';

let server: MockServer;
let harness: Harness;

beforeAll(async () => {
  server = await startMockServer();
  mockAppstle(server);
  harness = await launchExtension(server);
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

describe('settings integrity', () => {
  it.each([
    { name: 'not an object', value: 'garbage' },
    { name: 'unknown provider', value: { stores: [{ id: 'x', name: 'X', provider: 'recharge', apiKey: 'k' }] } },
    {
      name: 'a host in two stores',
      value: {
        stores: [
          { id: 'a', name: 'A', provider: 'gigstack', apiKey: 'k', helpdeskHosts: ['acme.zendesk.com'] },
          { id: 'b', name: 'B', provider: 'gigstack', apiKey: 'k', helpdeskHosts: ['acme.zendesk.com'] },
        ],
      },
    },
  ])('corrupted ($name): popup and options say so; saving again repairs it', async ({ value }) => {
    await harness.setSettings(value);

    const popup = await harness.open('popup.html');
    await popup.getByLabel('Customer email or ID').fill('jane@example.com');
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('alert').textContent()).toMatch(/settings need attention/i);
    await expect(popup.getByRole('button', { name: 'Open settings' }).isVisible()).resolves.toBe(true);

    const options = await harness.open('options.html');
    await expect.poll(() => options.getByRole('alert').textContent()).toMatch(/settings need attention/i);
    await options.getByLabel('Provider').selectOption({ label: 'Appstle Subscriptions' });
    await options.getByLabel('API key').fill(APPSTLE_KEY);
    await options.getByLabel('Store domain').fill(SHOP);
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/saved/i);

    await popup.reload();
    await popup.getByLabel('Customer email or ID').fill('jane@example.com');
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    await popup.close();
    await options.close();
  });

  it('a key saved in the settings page is stored in storage.local only (sealed), never storage.sync', async () => {
    await harness.setSettings({ stores: [] });
    const options = await harness.open('options.html');
    await options.getByLabel('API key').fill(APPSTLE_KEY);
    await options.getByLabel('Store domain').fill(SHOP);
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/saved/i);
    await options.close();
    const worker = await harness.currentWorker();
    const areas = await worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      return { sync: await chrome.storage.sync.get(null), local: await chrome.storage.local.get(null) };
    });
    expect(JSON.stringify(areas.sync)).not.toContain(APPSTLE_KEY);
    expect(JSON.stringify(areas.local)).not.toContain(APPSTLE_KEY);
    expect(JSON.stringify(areas.local)).toContain('sealed:v1:');
  });
});
