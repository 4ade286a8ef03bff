/**
 * Several stores in real Chromium, production build: set up in the options page, picked in the
 * popup (a tab, and the real action popup attached to a ticket tab), mapped by helpdesk account.
 */
import type { Page } from 'playwright-core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  APPSTLE_KEY,
  expectedAppstleUrlPrefix,
  GIGSTACK_KEY,
  mockAppstle,
  mockGigstack,
  type ProviderMock,
  SHOP,
} from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { servePages } from '../fixtures/pages';
import { type ActionPopup, clickAction } from './support/action';
import { type ChromeGlobal, type Harness, launchExtension } from './support/extension';
import { finishAfterAll } from './support/secrets';
import { appstleStore, gigstackStore } from './support/settings';

let server: MockServer;
let appstle: ProviderMock;
let gigstack: ProviderMock;
let harness: Harness;

const TWO_STORES = {
  stores: [
    appstleStore({ id: 'store-a', name: 'Acme', helpdeskHosts: ['acme.zendesk.com'] }),
    gigstackStore({ id: 'store-b', name: 'Beta MX', helpdeskHosts: ['beta.zendesk.com'] }),
  ],
  defaultStoreId: 'store-a',
};

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  gigstack = mockGigstack(server);
  servePages(server);
  harness = await launchExtension(server);
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

beforeEach(async () => {
  appstle.reset();
  gigstack.reset();
  await harness.clearLinkCache();
});

interface SavedStore {
  id: string;
  name: string;
  provider: string;
  helpdeskHosts: string[];
  team?: string;
  storeDomain?: string;
}
async function savedSettings(): Promise<{ stores: SavedStore[]; defaultStoreId?: string }> {
  const worker = await harness.currentWorker();
  return worker.evaluate(
    async () => (await (globalThis as unknown as ChromeGlobal).chrome.storage.local.get('settings')).settings,
  );
}

/** Stored keys are sealed: what the background says of each saved key (its mask) shows which one it kept. */
async function savedKeyMasks(page: Page): Promise<string[]> {
  const reply = await page.evaluate(() =>
    (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage({ type: 'get-settings' }),
  );
  return reply.settings.stores.map((s: { apiKeyMask: string }) => s.apiKeyMask);
}
const mask = (key: string) => `•••• ${key.slice(-4)}`;

function storeButton(options: Page, name: RegExp) {
  return options.getByRole('tablist', { name: 'Stores' }).getByRole('tab', { name });
}

describe('options page: several stores', () => {
  it('adds, names, maps, defaults, tests and removes stores; keys never come back', async () => {
    await harness.setSettings({ stores: [] });
    const options = await harness.open('options.html');

    // First store: the one the page starts with.
    await options.getByLabel('Store name').fill('Acme');
    await options.getByLabel('Provider').selectOption({ label: 'Appstle Subscriptions' });
    await options.getByLabel('API key').fill(APPSTLE_KEY);
    await options.getByLabel('Store domain').fill(SHOP);
    await options.getByLabel('Helpdesk accounts').fill('acme.zendesk.com');

    // Second store.
    await options.getByRole('button', { name: 'Add store' }).click();
    await expect.poll(() => options.getByLabel('Store name').inputValue()).toBe('Store 2');
    await options.getByLabel('Store name').fill('Beta MX');
    await options.getByLabel('Provider').selectOption({ label: 'gigstack' });
    await options.getByLabel('API key').fill(GIGSTACK_KEY);
    await options.getByLabel('Team').fill('team_mx');
    await options.getByLabel('Helpdesk accounts').fill(' Beta.Zendesk.com, beta.gorgias.com ');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/Settings saved/);

    const saved = await savedSettings();
    expect(saved.stores.map((s) => [s.name, s.provider, s.helpdeskHosts])).toEqual([
      ['Acme', 'appstle', ['acme.zendesk.com']],
      ['Beta MX', 'gigstack', ['beta.zendesk.com', 'beta.gorgias.com']],
    ]);
    expect(await savedKeyMasks(options)).toEqual([mask(APPSTLE_KEY), mask(GIGSTACK_KEY)]);
    expect(saved.stores[1]?.team).toBe('team_mx');
    expect(saved.defaultStoreId).toBe(saved.stores[0]?.id); // the first store is the default

    // Reloaded: both stores listed, the first marked default, keys only masked.
    await options.reload();
    await expect.poll(() => storeButton(options, /^Acme \(default\)$/).count()).toBe(1);
    await storeButton(options, /^Beta MX$/).click();
    expect(await options.getByLabel('Provider').inputValue()).toBe('gigstack');
    expect(await options.getByLabel('Team').inputValue()).toBe('team_mx');
    expect(await options.getByLabel('Helpdesk accounts').inputValue()).toBe('beta.zendesk.com, beta.gorgias.com');
    expect(await options.getByLabel('API key').inputValue()).toBe('');
    expect(await options.getByLabel('API key').getAttribute('placeholder')).toContain(`•••• ${GIGSTACK_KEY.slice(-4)}`);
    const html = await options.content();
    expect(html).not.toContain(APPSTLE_KEY);
    expect(html).not.toContain(GIGSTACK_KEY);

    // Test connection checks the store being edited, with its own provider and saved key.
    const gigstackBefore = gigstack.requests().length;
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/Key accepted/);
    const probe = gigstack.requests()[gigstackBefore];
    expect(probe?.headers.authorization).toBe(`Bearer ${GIGSTACK_KEY}`);
    expect(probe?.path).toBe('/v2/clients/customerportal?team=team_mx');

    // Make it the default store.
    await options.getByLabel('Default store').check();
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/Settings saved/);
    expect((await savedSettings()).defaultStoreId).toBe(saved.stores[1]?.id);
    await expect.poll(() => storeButton(options, /^Beta MX \(default\)$/).count()).toBe(1);

    // A helpdesk account in two stores is refused, naming it; nothing is saved.
    await options.getByLabel('Helpdesk accounts').fill('beta.zendesk.com, ACME.zendesk.com');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => options.getByRole('alert').textContent())
      .toBe('acme.zendesk.com is listed in both “Acme” and “Beta MX”. A helpdesk account can use only one store.');
    expect((await savedSettings()).stores[1]?.helpdeskHosts).toEqual(['beta.zendesk.com', 'beta.gorgias.com']);

    // Something that is not a host name is refused, naming it.
    await options.getByLabel('Helpdesk accounts').fill('beta.zendesk.com, not a host');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => options.getByRole('alert').textContent())
      .toMatch(/^“not a host” in the Helpdesk accounts of “Beta MX”/);

    // Remove it; the remaining store is the default again.
    await options.getByRole('button', { name: 'Remove store' }).click();
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/Settings saved/);
    const after = await savedSettings();
    expect(after.stores.map((s) => s.name)).toEqual(['Acme']);
    expect(after.defaultStoreId).toBe(after.stores[0]?.id);
    expect(await savedKeyMasks(options)).toEqual([mask(APPSTLE_KEY)]);
    await options.close();
  });
});

describe('popup: the Store picker', () => {
  it('is absent with one store', async () => {
    await harness.setSettings({ stores: [TWO_STORES.stores[0]], defaultStoreId: 'store-a' });
    const popup = await harness.open('popup.html');
    await expect.poll(() => popup.getByLabel('Customer email or ID').count()).toBe(1);
    await popup.waitForTimeout(300); // the picker asks the background first
    expect(await popup.getByLabel('Store', { exact: true }).count()).toBe(0);
    await popup.close();
  });

  it('with two stores preselects the default, and copies with the chosen one (gigstack: Bearer key)', async () => {
    await harness.setSettings(TWO_STORES);
    const popup = await harness.open('popup.html');
    const picker = popup.getByLabel('Store', { exact: true });
    await expect.poll(() => picker.inputValue()).toBe('store-a');
    expect(await picker.locator('option').allTextContents()).toEqual(['Acme', 'Beta MX']);

    await picker.selectOption({ label: 'Beta MX' });
    const before = gigstack.requests().length;
    await popup.getByLabel('Customer email or ID').fill('jane@example.com');
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    const seen = gigstack.requests().slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${GIGSTACK_KEY}`);
    expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual({ email: 'jane@example.com' });
    const link = await harness.readClipboard();
    expect(link).toMatch(/^https:\/\/portal\.gigstack\.io\/session\/ps_client_jane01_/);
    expect(await popup.getByRole('status').textContent()).toContain(link);
    await popup.close();
  });
});

describe('the real action popup on a ticket tab preselects the mapped store', () => {
  async function pickerValue(popup: ActionPopup): Promise<string | null> {
    let value: string | null = null;
    await expect
      .poll(async () => {
        value = await popup.evaluate<string | null>("document.querySelector('#store')?.value ?? null");
        return value;
      })
      .not.toBeNull();
    return value;
  }

  it.each([
    ['https://acme.zendesk.com/agent/tickets/501', 'store-a'],
    ['https://beta.zendesk.com/agent/tickets/502', 'store-b'],
    ['https://other.zendesk.com/agent/tickets/503', 'store-a'],
  ])('%s → %s', async (url, storeId) => {
    await harness.setSettings(TWO_STORES);
    const page = await harness.context.newPage();
    await page.goto(url);
    const popup = await clickAction(harness, page);
    expect(await pickerValue(popup)).toBe(storeId);
    await page.close();
  });

  it('copies with the mapped store from the real popup (beta.zendesk.com → gigstack)', async () => {
    await harness.setSettings(TWO_STORES);
    await harness.writeClipboard('before');
    const page = await harness.context.newPage();
    await page.goto('https://beta.zendesk.com/agent/tickets/504');
    const popup = await clickAction(harness, page);
    expect(await pickerValue(popup)).toBe('store-b');
    const before = gigstack.requests().length;
    await popup.evaluate(`(() => {
      const input = document.querySelector('#customer');
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, 'cus_ana03');
      input.dispatchEvent(new Event('input', { bubbles: true }));
      document.querySelector('form').requestSubmit();
    })()`);
    await expect
      .poll(() => popup.evaluate<string>("document.querySelector('[role=status]')?.textContent ?? ''"))
      .toMatch(/copied/i);
    expect(
      gigstack
        .requests()
        .slice(before)
        .map((r) => JSON.parse(r.body)),
    ).toEqual([{ id: 'cus_ana03' }]);
    expect(await harness.readClipboard()).toMatch(/^https:\/\/portal\.gigstack\.io\/session\/ps_cus_ana03_/);
    expect(appstle.requests().some((r) => r.path.includes('cus_ana03'))).toBe(false);
    await page.close();
  });

  it('a click before the Store picker has loaded still uses the tab’s store', async () => {
    await harness.setSettings(TWO_STORES);
    await harness.writeClipboard('before');
    const page = await harness.context.newPage();
    await page.goto('https://beta.zendesk.com/agent/tickets/506');
    // Every settings read in the worker now takes 1.5 s: the popup's picker can't have loaded when
    // the form is submitted below, so only what the click itself sends decides the store.
    const worker = await harness.currentWorker();
    const slowReads = (on: boolean) =>
      worker.evaluate((slow) => {
        const g = globalThis as unknown as { chrome: ChromeGlobal['chrome']; browser?: ChromeGlobal['chrome'] };
        for (const area of new Set([g.chrome.storage.local, g.browser?.storage?.local].filter(Boolean))) {
          area.__get ??= area.get;
          area.get = slow
            ? (...args: unknown[]) => new Promise((r) => setTimeout(r, 1500)).then(() => area.__get.apply(area, args))
            : area.__get;
        }
      }, on);
    await slowReads(true);
    try {
      const before = gigstack.requests().length;
      const popup = await clickAction(harness, page);
      await expect.poll(() => popup.evaluate<boolean>("document.querySelector('#customer') !== null")).toBe(true);
      const pickerShown = await popup.evaluate<boolean>(`(() => {
        const input = document.querySelector('#customer');
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, 'cus_ana03');
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const shown = document.querySelector('#store') !== null;
        document.querySelector('form').requestSubmit();
        return shown;
      })()`);
      expect(pickerShown).toBe(false);
      await expect
        .poll(() => popup.evaluate<string>("document.querySelector('[role=status]')?.textContent ?? ''"), {
          timeout: 15_000,
        })
        .toMatch(/copied/i);
      expect(
        gigstack
          .requests()
          .slice(before)
          .map((r) => JSON.parse(r.body)),
      ).toEqual([{ id: 'cus_ana03' }]);
      expect(await harness.readClipboard()).toMatch(/^https:\/\/portal\.gigstack\.io\/session\/ps_cus_ana03_/);
    } finally {
      await slowReads(false);
      await page.close();
    }
  });

  it('the Appstle store still works from the same popup on its own account', async () => {
    await harness.setSettings(TWO_STORES);
    await harness.writeClipboard('before');
    const page = await harness.context.newPage();
    await page.goto('https://acme.zendesk.com/agent/tickets/505');
    const popup = await clickAction(harness, page);
    expect(await pickerValue(popup)).toBe('store-a');
    await popup.evaluate(`(() => {
      const input = document.querySelector('#customer');
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, '12345');
      input.dispatchEvent(new Event('input', { bubbles: true }));
      document.querySelector('form').requestSubmit();
    })()`);
    await expect
      .poll(() => popup.evaluate<string>("document.querySelector('[role=status]')?.textContent ?? ''"))
      .toMatch(/copied/i);
    expect((await harness.readClipboard()).startsWith(expectedAppstleUrlPrefix())).toBe(true);
    await page.close();
  });
});

describe('managed settings', () => {
  it('Chromium accepted public/managed_schema.json (an invalid schema stops the extension loading)', async () => {
    const worker = await harness.currentWorker();
    const manifest = await worker.evaluate(() => (globalThis as unknown as ChromeGlobal).chrome.runtime.getManifest());
    expect(manifest.storage).toEqual({ managed_schema: 'managed_schema.json' });
    const schema = await worker.evaluate(async () =>
      (await fetch((globalThis as unknown as ChromeGlobal).chrome.runtime.getURL('/managed_schema.json'))).json(),
    );
    expect(Object.keys(schema.properties)).toEqual(['stores', 'defaultStoreId', 'relayUrl']);
  });
});

/**
 * No test can push a real policy (docs/deployment.md), so this one checks the settings page's
 * rendering of what the background reports for managed stores: the page's get-settings reply is
 * replaced by a view as toView (lib/settings/schema.ts) builds it for a policy; everything else is real.
 */
describe('options page: a managed store', () => {
  const managedView = {
    defaultStoreId: 'hq',
    managedDefault: true,
    stores: [
      {
        id: 'hq',
        name: 'HQ brand',
        provider: 'appstle',
        storeDomain: 'hq.myshopify.com',
        portalUrlTemplate: 'https://{storeDomain}/tools/recurring/customer_portal?token={token}',
        helpdeskHosts: ['hq.zendesk.com'],
        apiKeyMask: '',
        keySource: 'policy',
      },
      {
        id: 'store-a',
        name: 'Acme',
        provider: 'appstle',
        storeDomain: SHOP,
        portalUrlTemplate: 'https://{storeDomain}/tools/recurring/customer_portal?token={token}',
        helpdeskHosts: ['acme.zendesk.com'],
        apiKeyMask: `•••• ${APPSTLE_KEY.slice(-4)}`,
        keySource: 'browser',
      },
    ],
  };

  it('is read-only, shows no key, and is never sent back on Save', async () => {
    await harness.setSettings({ stores: [TWO_STORES.stores[0]], defaultStoreId: 'store-a' });
    const options = await harness.context.newPage();
    await options.addInitScript((view) => {
      const runtime = (globalThis as unknown as ChromeGlobal).chrome.runtime;
      const send = runtime.sendMessage.bind(runtime);
      const sent: unknown[] = [];
      Object.assign(globalThis, { __sent: sent });
      runtime.sendMessage = (message: { type?: string }) => {
        sent.push(message);
        return message?.type === 'get-settings' ? Promise.resolve({ ok: true, settings: view }) : send(message);
      };
    }, managedView);
    await options.goto(`chrome-extension://${harness.extensionId}/options.html`);

    await expect.poll(() => storeButton(options, /^HQ brand \(default\) · managed$/).count()).toBe(1);
    expect(await options.getByLabel('Store name').inputValue()).toBe('HQ brand');
    for (const label of ['Store name', 'Provider', 'Store domain', 'Helpdesk accounts']) {
      expect(await options.getByLabel(label).isDisabled(), label).toBe(true);
    }
    expect(await options.getByLabel('API key').count()).toBe(0);
    expect(await options.getByText('Managed by your administrator', { exact: true }).count()).toBe(1);
    expect(await options.getByRole('button', { name: 'Remove store' }).count()).toBe(0);
    expect(await options.getByLabel('Default store').isDisabled()).toBe(true);

    // The agent's own store stays editable.
    await storeButton(options, /^Acme$/).click();
    expect(await options.getByLabel('Store name').isDisabled()).toBe(false);
    expect(await options.getByLabel('API key').getAttribute('placeholder')).toContain(`•••• ${APPSTLE_KEY.slice(-4)}`);

    // A host the managed store owns is refused before anything is sent.
    await options.getByLabel('Helpdesk accounts').fill('acme.zendesk.com, hq.zendesk.com');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => options.getByRole('alert').textContent())
      .toBe('hq.zendesk.com is listed in both “HQ brand” and “Acme”. A helpdesk account can use only one store.');

    // Save sends the agent's stores only.
    await options.getByLabel('Helpdesk accounts').fill('acme.zendesk.com');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/Settings saved/);
    const saves = (
      await options.evaluate(() => (globalThis as unknown as { __sent: { type: string }[] }).__sent)
    ).filter((m) => m.type === 'save-settings') as unknown as {
      settings: { stores: { id: string }[]; defaultStoreId?: string };
    }[];
    expect(saves).toHaveLength(1);
    expect(saves[0]?.settings.stores.map((s) => s.id)).toEqual(['store-a']);
    expect(saves[0]?.settings.defaultStoreId).toBe('hq');
    await options.close();
  });
});
