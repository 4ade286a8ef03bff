import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPSTLE_KEY, mockAppstle, type ProviderMock, SHOP, SHOP_PUBLIC_PORTAL } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type ChromeGlobal, E2E_BUILD, type Harness, launchExtension } from './support/extension';
import { finishAfterAll } from './support/secrets';

/**
 * The background's first `answers` settings replies say the policy is still loading (as when
 * storage.managed stalls at a busy start-up); later ones are the real answer.
 */
async function policyPendingFor(options: Page, answers: number): Promise<void> {
  await options.addInitScript((pending) => {
    const runtime = (globalThis as unknown as ChromeGlobal).chrome.runtime;
    const send = runtime.sendMessage.bind(runtime);
    let gets = 0;
    runtime.sendMessage = (message: { type?: string }) =>
      message?.type === 'get-settings' && ++gets <= pending
        ? send(message).then((r: { ok: boolean; settings?: object }) =>
            r.ok ? { ...r, settings: { ...r.settings, managedPending: true } } : r,
          )
        : send(message);
  }, answers);
}

let server: MockServer;
let appstle: ProviderMock;
let harness: Harness;

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  harness = await launchExtension(server);
});

// Afterwards: no key, link or token in any console line of the run; browser and mocks closed.
finishAfterAll(() => ({ harness, server }));

const SAVED_STORE = {
  id: 'saved',
  name: 'Acme',
  provider: 'appstle',
  apiKey: APPSTLE_KEY,
  storeDomain: SHOP,
  helpdeskHosts: [],
};

async function savedSettings(): Promise<unknown> {
  const worker = await harness.currentWorker();
  return worker.evaluate(
    async () => (await (globalThis as unknown as ChromeGlobal).chrome.storage.local.get('settings')).settings,
  );
}

describe('options page set-up', () => {
  it('saves a store, masks the key, tests the connection, then the popup copies with it', async () => {
    await harness.setSettings({ stores: [] });
    const options = await harness.open('options.html');
    await options.getByLabel('Provider').selectOption({ label: 'Appstle Subscriptions' });
    const key = options.getByLabel('API key');
    expect(await key.getAttribute('type')).toBe('password');
    await key.fill(APPSTLE_KEY);
    await options.getByLabel('Store domain').fill(SHOP);
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/saved/i);

    // Reloaded, the key field is empty and only its last four characters are shown.
    await options.reload();
    await expect.poll(() => options.getByLabel('API key').getAttribute('placeholder')).toContain('•••• 3f9a');
    expect(await options.getByLabel('API key').inputValue()).toBe('');
    expect(await options.content()).not.toContain(APPSTLE_KEY);

    // Test connection with the saved key: a lookup of nobody → 404 → accepted.
    const before = appstle.requests().length;
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/Key accepted/);
    expect(appstle.requests()[before]?.headers['x-api-key']).toBe(APPSTLE_KEY);

    // Saving again without retyping keeps the key.
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toMatch(/saved/i);
    const popup = await harness.open('popup.html');
    await popup.getByLabel('Customer email or ID').fill('jane@example.com');
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('status').textContent()).toMatch(/copied/i);
    // A new store gets Appstle's complete link (the shop's own domain and portal page) by default.
    expect((await harness.readClipboard()).startsWith(`${SHOP_PUBLIC_PORTAL}?token=`)).toBe(true);
    await popup.close();
    await options.close();
  });

  it.each([
    { typed: 'wrong-key-000000000', fault: undefined, role: 'alert', text: /Key rejected/ },
    { typed: '', fault: { status: 503, body: 'down' }, role: 'alert', text: /Can't reach Appstle/ },
    {
      typed: '',
      fault: { status: 429, body: {}, headers: { 'retry-after': '600' } },
      role: 'alert',
      text: /Can't reach Appstle/,
    },
  ] as const)('Test connection: $text', async ({ typed, fault, role, text }) => {
    appstle.reset();
    if (fault) appstle.fail(fault, fault, fault);
    await harness.setSettings({ stores: [SAVED_STORE] });
    const options = await harness.open('options.html');
    await expect.poll(() => options.getByLabel('API key').getAttribute('placeholder')).toContain('••••');
    await options.getByLabel('API key').fill(typed);
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => options.getByRole(role).textContent(), { timeout: 12_000 }).toMatch(text);
    expect(await options.getByRole(role).textContent()).not.toContain(APPSTLE_KEY);
    await options.close();
  });

  it('checks every field in the page: a pasted URL becomes its host, a refused field says why next to it', async () => {
    await harness.setSettings({ stores: [SAVED_STORE] });
    const options = await harness.open('options.html');
    await expect.poll(() => options.getByLabel('Store domain').inputValue()).toBe(SHOP);
    // As stored once the page has read it (a key stored in clear is sealed on that first read).
    const before = await savedSettings();

    // A pasted shop URL is reduced to the shop's host on leaving the field.
    const domain = options.getByLabel('Store domain');
    await domain.fill(`https://${SHOP.toUpperCase()}/account/login?return_url=%2F`);
    await domain.blur();
    expect(await domain.inputValue()).toBe(SHOP);

    // A name over the limit: the message is next to the field, and the page says which store.
    const name = options.getByLabel('Store name');
    await name.fill('n'.repeat(81));
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('alert').textContent()).toBe('Store names are at most 80 characters.');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    const nameMessage = options.locator(`#${await name.getAttribute('aria-describedby')}`);
    expect(await nameMessage.textContent()).toBe('Store names are at most 80 characters.');
    // Fixing the field clears its message.
    await name.fill('Acme');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBeNull();

    // A bad gigstack team, and Test connection refuses it in the page too.
    await options.getByLabel('Provider').selectOption({ label: 'gigstack' });
    await options.getByLabel('API key').fill('gs_live_typed_000000000000');
    const team = options.getByLabel('Team');
    await team.fill('team mx!');
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => options.getByRole('alert').textContent()).toMatch(/^Team ids contain only letters/);
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('alert').textContent()).toMatch(/^Team of “Acme”: Team ids contain/);
    expect(await options.locator(`#${await team.getAttribute('aria-describedby')}`).textContent()).toMatch(
      /letters, digits, - and _/,
    );

    // Nothing reached the background: no "request it does not understand", nothing saved.
    expect(await options.getByRole('alert').textContent()).not.toMatch(/does not understand/);
    expect(await savedSettings()).toEqual(before);
    await options.close();
  });

  it('a policy the browser is still loading: stores at once, a notice, then "no policy" once known', async () => {
    await harness.setSettings({ stores: [SAVED_STORE] });
    const options = await harness.context.newPage();
    // The page keeps asking, and the real answer (no policy on this browser) ends it.
    await policyPendingFor(options, 2);
    await options.goto(`chrome-extension://${harness.extensionId}/options.html`);
    await expect.poll(() => options.getByLabel('Store name').inputValue()).toBe('Acme');
    const pending = options.getByText(/still loading your administrator/);
    await expect.poll(() => pending.count()).toBe(1);
    await options.getByLabel('Store name').fill('Acme typed');
    await expect.poll(() => options.getByText(/No administrator policy applies/).count(), { timeout: 10_000 }).toBe(1);
    expect(await pending.count()).toBe(0);
    expect(await options.getByLabel('Store name').inputValue()).toBe('Acme typed'); // nothing typed was lost
    await options.close();
  });

  it('first run with a policy still loading: once it is known to be absent, the intro shows', async () => {
    await harness.setSettings({ stores: [] });
    const options = await harness.context.newPage();
    await policyPendingFor(options, 1);
    await options.goto(`chrome-extension://${harness.extensionId}/options.html`);
    await expect.poll(() => options.getByText(/No administrator policy applies/).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => options.getByRole('region', { name: 'Set up Portal Link' }).count()).toBe(1);
    await options.close();
  });

  it('Test connection’s refusal is one sentence said from here, with the contract’s words first', async () => {
    appstle.reset();
    appstle.fail({ status: 401, body: { title: 'Unauthorized', status: 401 } });
    await harness.setSettings({ stores: [SAVED_STORE] });
    const options = await harness.open('options.html');
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => options.getByRole('alert').textContent())
      .toBe('Key rejected: Appstle refused this API key. Paste it again from Appstle (it may have been revoked).');
    await options.close();
  });

  it('first run: an intro that says where the Appstle key is; one store’s default is a sentence', async () => {
    await harness.setSettings({ stores: [] });
    const options = await harness.open('options.html');
    const intro = options.getByRole('region', { name: 'Set up Portal Link' });
    await expect.poll(() => intro.textContent()).toContain('Settings → API Key Management');
    expect(await intro.textContent()).toContain('paid API plan');
    expect(await options.getByLabel('Store domain').getAttribute('placeholder')).toBe('your-shop.myshopify.com');
    expect(await options.getByLabel('Default store').count()).toBe(0);
    await options.getByText('This is your only store, so it is the default store').waitFor();
    // Stores are tabs; with a second one, the default is a choice again.
    await options.getByRole('button', { name: 'Add store' }).click();
    const tabs = options.getByRole('tablist', { name: 'Stores' }).getByRole('tab');
    expect(await tabs.allTextContents()).toEqual(['My store (default)', 'Store 2']);
    expect(await tabs.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await options.getByLabel('Default store').isChecked()).toBe(false);
    await options.close();
  });

  it('a save names every invalid field and quotes what was typed', async () => {
    await harness.setSettings({ stores: [] });
    const options = await harness.open('options.html');
    await options.getByLabel('Store domain').fill('my shop');
    await options.getByLabel('Helpdesk accounts').fill('acme.zendesk.com, not a host!!');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => options.getByRole('alert').textContent())
      .toBe('2 fields need fixing: Store domain of “My store”, Helpdesk accounts of “My store”.');
    const hosts = options.getByLabel('Helpdesk accounts');
    expect(await hosts.getAttribute('aria-describedby')).toContain('helpdesk-hosts-error');
    expect(await options.locator('#helpdesk-hosts-error').textContent()).toMatch(
      /^“not a host!!” in the Helpdesk accounts of “My store” is not a host name/,
    );
    await options.close();
  });

  it('leaving with unsaved changes asks first; saved, it does not', async () => {
    await harness.setSettings({ stores: [SAVED_STORE] });
    const options = await harness.open('options.html');
    await expect.poll(() => options.getByLabel('Store name').inputValue()).toBe('Acme');
    await options.getByLabel('Store name').fill('Acme renamed');
    await options.getByText('Unsaved changes').waitFor();
    const asked = options.waitForEvent('dialog');
    await options.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.accept();
    const saved = await harness.open('options.html');
    await expect.poll(() => saved.getByLabel('Store name').inputValue()).toBe('Acme');
    let dialogs = 0;
    saved.on('dialog', () => dialogs++);
    await saved.close({ runBeforeUnload: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dialogs).toBe(0);
  });

  it('Team relay shows only the relay’s sign-in: no Save, no Test connection', async () => {
    await harness.setSettings({ stores: [SAVED_STORE] });
    const options = await harness.open('options.html');
    await expect.poll(() => options.getByLabel('Store name').inputValue()).toBe('Acme');
    await options.getByLabel('Provider').selectOption({ label: 'Team relay' });
    await options.getByLabel('Enrollment code').waitFor();
    for (const name of ['Save', 'Test connection'])
      expect(await options.getByRole('button', { name }).count(), name).toBe(0);
    await options.close();
  });

  it('Chromium renders the same sizes as Firefox: 14 px text and controls, 12 px hints; words never break', async () => {
    await harness.setSettings({ stores: [SAVED_STORE] });
    const options = await harness.open('options.html');
    await options.getByRole('button', { name: 'Test connection' }).waitFor();
    const styles = await options.evaluate(() => {
      const css = (selector: string) => getComputedStyle(document.querySelector(selector) as Element);
      return {
        label: css('label').fontSize,
        input: css('input').fontSize,
        button: css('button[type="submit"]').fontSize,
        hint: css('.hint').fontSize,
        alertBreak: css('[role="alert"]').wordBreak,
        statusBreak: css('[role="status"]').wordBreak,
      };
    });
    expect(styles).toEqual({
      label: '14px',
      input: '14px',
      button: '14px',
      hint: '12px',
      alertBreak: 'normal',
      statusBreak: 'normal',
    });
    await options.close();
  });

  it('the key appears in no console output of any page or the worker', () => {
    expect(harness.consoleLines.join('\n')).not.toContain(APPSTLE_KEY);
  });
});

describe('e2e hook', () => {
  it('exists only in the e2e build, and calls the real context-menu handler', async () => {
    appstle.reset();
    const production = await harness.currentWorker();
    expect(await production.evaluate(() => '__portalLinkTest' in globalThis)).toBe(false);

    const e2e = await launchExtension(server, { build: E2E_BUILD });
    try {
      await e2e.setSettings({
        stores: [
          { id: 's', name: 'Acme', provider: 'appstle', apiKey: APPSTLE_KEY, storeDomain: SHOP, helpdeskHosts: [] },
        ],
      });
      const worker = await e2e.currentWorker();
      const outcome = await worker.evaluate(() =>
        (
          globalThis as unknown as {
            __portalLinkTest: { contextMenuClick: (i: object, t: object) => Promise<unknown> };
          }
        ).__portalLinkTest.contextMenuClick(
          { menuItemId: 'copy-portal-link-selection', selectionText: ' jane@example.com ' },
          {},
        ),
      );
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
      // Saved without a link type or template: Appstle's complete link.
      expect((await e2e.readClipboard()).startsWith(`${SHOP_PUBLIC_PORTAL}?token=`)).toBe(true);
    } finally {
      await e2e.close();
    }
  });
});
