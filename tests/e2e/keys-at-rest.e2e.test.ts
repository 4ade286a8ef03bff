/**
 * Keys at rest: a content script (as a compromised helpdesk renderer would run it) reads nothing of a
 * key from the extension's storage, and no file of the browser profile holds a key in clear. Keys
 * stored in clear by an older version keep working after the update and are sealed in place.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { APPSTLE_KEY, mockAppstle, type ProviderMock, SHOP } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type ChromeGlobal, type Harness, launchExtension } from './support/extension';
import { COPIED_TOAST, inlineButton, openHelpdeskPage, toast } from './support/helpdesk';
import { expectNoSecretsLogged } from './support/secrets';
import { appstleStore } from './support/settings';

let server: MockServer;
let appstle: ProviderMock;
const harnesses: Harness[] = [];

async function launch(): Promise<Harness> {
  server ??= await startMockServer();
  if (!appstle) {
    appstle = mockAppstle(server);
    mockZendesk(server);
  }
  const harness = await launchExtension(server);
  harnesses.push(harness);
  return harness;
}

afterAll(async () => {
  for (const harness of harnesses) {
    expectNoSecretsLogged(harness);
    await harness.close();
  }
  await server?.close();
});

/** What the content script's isolated world gets from `storage.local` and `storage.session` (CDP). */
async function storageSeenByContentScript(harness: Harness, page: Page): Promise<string> {
  const cdp = await harness.context.newCDPSession(page);
  const contexts: { id: number; origin: string; auxData?: { type?: string } }[] = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  const world = contexts.find((c) => c.auxData?.type === 'isolated' && c.origin.includes(harness.extensionId));
  expect(world).toBeDefined();
  const { result } = await cdp.send('Runtime.evaluate', {
    expression: `Promise.all(['local', 'session'].map((area) =>
      chrome.storage[area].get(null).then((items) => JSON.stringify(items), (error) => 'refused: ' + error.message)))
      .then((seen) => seen.join(' | '))`,
    contextId: world?.id,
    awaitPromise: true,
    returnByValue: true,
  });
  await cdp.detach();
  return String(result.value);
}

/** Every file under `dir` holding `secret` as bytes (UTF-8 or UTF-16). */
function filesHolding(dir: string, secret: string): string[] {
  const needles = [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')];
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) found.push(...filesHolding(path, secret));
    else if (stat?.isFile() && needles.some((n) => readFileSync(path).includes(n))) found.push(path);
  }
  return found;
}

async function copyOnTicket(harness: Harness): Promise<Page> {
  const page = await openHelpdeskPage(harness, `https://${ZENDESK_HOST}/agent/tickets/101`);
  await expect.poll(() => inlineButton(page).count()).toBe(1);
  const before = appstle.requests().length;
  await inlineButton(page).click();
  await expect.poll(() => toast(page, 'status').textContent()).toMatch(COPIED_TOAST);
  // The provider got the key: it was unsealed in the background, and only there.
  expect(appstle.requests().slice(before)[0]?.headers['x-api-key']).toBe(APPSTLE_KEY);
  return page;
}

describe('keys at rest', () => {
  it('a key saved in the settings page: the content script reads none of it, no profile file holds it', async () => {
    const harness = await launch();
    const options = await harness.open('options.html');
    await options.getByLabel('Provider').selectOption({ label: 'Appstle Subscriptions' });
    await options.getByLabel('API key').fill(APPSTLE_KEY);
    await options.getByLabel('Store domain').fill(SHOP);
    await options.getByLabel('Helpdesk accounts').fill(ZENDESK_HOST);
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/saved/i);
    await options.close();

    const page = await copyOnTicket(harness);
    const seen = await storageSeenByContentScript(harness, page);
    expect(seen).not.toContain(APPSTLE_KEY);
    expect(seen).not.toContain(btoa(APPSTLE_KEY));
    // Chromium: storage is closed to content scripts altogether (setAccessLevel TRUSTED_CONTEXTS).
    expect(seen).toMatch(/^refused: .* \| refused: /);

    // The background's own view: the stored settings hold a sealed value, never the key.
    const stored = await (await harness.currentWorker()).evaluate(async () =>
      JSON.stringify(await (globalThis as unknown as ChromeGlobal).chrome.storage.local.get(null)),
    );
    expect(stored).toContain('sealed:v1:');
    expect(stored).not.toContain(APPSTLE_KEY);

    // Chromium writes storage.local to LevelDB files in the profile: none of them, nor any other file, has the key.
    harnesses.splice(harnesses.indexOf(harness), 1);
    expectNoSecretsLogged(harness);
    await harness.close({ keepProfile: true });
    try {
      expect(filesHolding(harness.profile, APPSTLE_KEY)).toEqual([]);
    } finally {
      rmSync(harness.profile, { recursive: true, force: true });
    }
  });

  it('keys stored in clear by an older version still work after the update, and are sealed in place', async () => {
    const harness = await launch();
    await harness.setSettings({ stores: [appstleStore({ helpdeskHosts: [ZENDESK_HOST] })] });
    const page = await copyOnTicket(harness);
    const local = () =>
      harness
        .currentWorker()
        .then((w) =>
          w.evaluate(async () =>
            JSON.stringify(await (globalThis as unknown as ChromeGlobal).chrome.storage.local.get(null)),
          ),
        );
    await expect.poll(local).not.toContain(APPSTLE_KEY);
    expect(await storageSeenByContentScript(harness, page)).not.toContain(APPSTLE_KEY);
    // Still the same key after sealing: the next copy works.
    await page.close();
    await harness.clearLinkCache(); // a repeat within two minutes would reuse the link, asking nothing
    await copyOnTicket(harness);
  });
});
