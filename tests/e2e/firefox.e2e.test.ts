/**
 * Firefox smoke: the Firefox build (MV2) in Debian's Firefox ESR. It installs, its background page
 * runs, and a portal link issued by the (mock) Appstle API reaches the clipboard through the
 * background page's clipboard path, from the popup, from the inline button the Zendesk content script
 * puts on a ticket, and from the context-menu handler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JANE, mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { APPSTLE_KEY, expectedAppstleUrlPrefix, mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type ExtensionPage, FIREFOX_E2E_BUILD, type FirefoxHarness, launchFirefox } from './support/firefox';
import { appstleStore } from './support/settings';
import { firefoxButton, firefoxToastText } from './support/shadow';

let server: MockServer;
let appstle: ProviderMock;
let firefox: FirefoxHarness;

// One Firefox for the file: the production build first, then the e2e build in its place.
beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  mockZendesk(server);
  firefox = await launchFirefox(server);
});

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

/** Types into the input labelled `label` the way React sees typing, in an extension page. */
function fill(page: ExtensionPage, label: string, value: string) {
  return page.evaluate(
    ({ label, value }) => {
      const labelled = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim() === label);
      const input = document.getElementById(labelled?.htmlFor ?? '') as HTMLInputElement | null;
      if (!input) throw new Error(`no input labelled ${label}`);
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    { label, value },
  );
}

function click(page: ExtensionPage, name: string) {
  return page.evaluate((name) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);
    if (!button) throw new Error(`no button ${name}`);
    button.click();
  }, name);
}

/** The text of `role=status` / `role=alert` once either says something. */
function outcome(page: ExtensionPage) {
  return page.evaluate(async () => {
    for (let i = 0; i < 200; i++) {
      const status = document.querySelector('[role="status"]')?.textContent ?? '';
      const alert = document.querySelector('[role="alert"]')?.textContent ?? '';
      if (status || alert) return { status, alert };
      await new Promise((r) => setTimeout(r, 50));
    }
    return { status: '', alert: 'nothing shown within 10 s' };
  });
}

describe('Firefox ESR, production build', () => {
  it('installs: the background page runs, opens the settings page and creates the context menu items', async () => {
    await expect.poll(() => firefox.extensionUrls().some((url) => url.endsWith('/options.html'))).toBe(true);
    const manifest = await firefox.inBackground(() => browser.runtime.getManifest());
    expect(manifest.manifest_version).toBe(2);
    expect(Object.keys(manifest.icons ?? {})).toEqual(['16', '32', '48', '96', '128']);
    expect(await firefox.inBackground(() => '__portalLinkTest' in globalThis)).toBe(false); // e2e builds only
    // Granted at install (MV2), each justified in docs/security.md, "Permissions"; `offscreen` is Chrome's only.
    const permissions = await firefox.inBackground(() => browser.permissions.getAll());
    expect(permissions.permissions).toEqual(expect.arrayContaining(['clipboardWrite', 'contextMenus', 'storage']));
    expect(permissions.permissions).not.toContain('offscreen');
    expect(permissions.permissions).not.toContain('scripting'); // nothing is injected into pages
    expect(permissions.origins).toEqual(
      expect.arrayContaining(['https://api.gigstack.io/*', 'https://subscription-admin.appstle.com/*']),
    );
    // update() rejects for an id that does not exist.
    const menus = await firefox.inBackground(async () => {
      const ids = ['copy-portal-link-selection', 'copy-portal-link-mailto'];
      return Promise.all(ids.map((id) => browser.contextMenus.update(id, {}).then(() => true)));
    });
    expect(menus).toEqual([true, true]);
  });

  it('popup → background → Appstle → the background page writes the link to the clipboard', async () => {
    await firefox.setSettings({ stores: [appstleStore()], defaultStoreId: 'store-a' });
    await firefox.clearLinkCache();
    await firefox.writeClipboard('clipboard before the test');
    const before = appstle.requests().length;

    const popup = await firefox.openExtensionPage('popup.html');
    await fill(popup, 'Customer email or ID', 'jane@example.com');
    await click(popup, 'Copy portal link');
    const shown = await outcome(popup);
    expect(shown.alert).toBe('');
    expect(shown.status).toMatch(/copied/i);
    expect(shown.status).toMatch(/expires (\d{1,2} [A-Z][a-z]{2} )?\d{2}:\d{2}/); // the date too, after 22:00

    const link = await firefox.readClipboard();
    expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    expect(shown.status).toContain(link);
    const seen = appstle.requests().slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['x-api-key']).toBe(APPSTLE_KEY);
    expect(new URL(seen[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe('jane@example.com');

    // storage.session (the link cache) works in Firefox's MV2 background: the same customer is not asked for twice.
    await firefox.writeClipboard('clipboard before the second copy');
    await click(popup, 'Copy portal link');
    await expect.poll(async () => (await outcome(popup)).status).toContain('(reused)');
    expect(await firefox.readClipboard()).toBe(link);
    expect(appstle.requests().slice(before)).toHaveLength(1);
    await popup.close();

    // The key stored in clear above (as an older version did) was sealed on that first read: Firefox
    // has no storage.setAccessLevel, and its content scripts can read storage.local.
    const stored = await firefox.inBackground(async () => JSON.stringify(await browser.storage.local.get(null)));
    expect(stored).toContain('sealed:v1:');
    expect(stored).not.toContain(APPSTLE_KEY);
  });

  it('Zendesk ticket: the content script injects its button; a click puts the requester’s link on the clipboard', async () => {
    await firefox.setSettings({ stores: [appstleStore()], defaultStoreId: 'store-a' });
    await firefox.clearLinkCache();
    await firefox.writeClipboard('clipboard before the test');
    const before = appstle.requests().length;
    const page = await firefox.driver.newPage();
    try {
      await page.goto(`https://${ZENDESK_HOST}/agent/tickets/101`);
      // The button lives in a closed shadow root: found over WebDriver BiDi (support/shadow.ts).
      const button = await firefoxButton(page, 'Copy portal link');
      await button.click(); // a real click (WebDriver BiDi input actions)
      // The toast's shadow root is closed: read through the accessibility tree (support/shadow.ts).
      await expect
        .poll(() => firefoxToastText(page, 'status'), { timeout: 10_000 })
        .toMatch(/^Portal link for \S+@\S+ copied · expires (\d{1,2} [A-Z][a-z]{2} )?\d{2}:\d{2}$/);
      const link = await firefox.readClipboard();
      expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
      const seen = appstle.requests().slice(before);
      expect(seen.map((r) => new URL(r.path, 'https://x').searchParams.get('email'))).toEqual([JANE.email]);
    } finally {
      await page.close();
    }
  });

  it('logs no error and never the API key in any console of the extension (whose lines this harness captures)', async () => {
    await firefox.inBackground(() => console.info('portal-link console probe'));
    await expect.poll(() => firefox.consoleLines.some((line) => line.includes('portal-link console probe'))).toBe(true);
    // e.g. a CSP report for eval: lib/shared/zod.ts keeps zod from probing for it.
    expect(firefox.consoleLines.filter((line) => line.startsWith('error'))).toEqual([]);
    expect(firefox.consoleLines.join('\n')).not.toContain(APPSTLE_KEY);
  });
});

// Firefox can't fire a real context-menu click for a test (no `onClicked.dispatch` as in Chromium):
// the e2e build's hook calls the very handler registered for it.
describe('Firefox ESR, e2e build: the context-menu handler', () => {
  beforeAll(async () => {
    await firefox.reinstall(FIREFOX_E2E_BUILD);
  });

  it('copies the link for a mailto: link and reports on the toolbar button (browserAction in MV2)', async () => {
    await firefox.setSettings({ stores: [appstleStore()], defaultStoreId: 'store-a' });
    await firefox.writeClipboard('clipboard before the test');
    const before = appstle.requests().length;
    const [outcome, badge] = await firefox.inBackground(async () => {
      const [tab] = await browser.tabs.query({ active: true });
      const hook = (
        globalThis as unknown as { __portalLinkTest: { contextMenuClick(...a: unknown[]): Promise<unknown> } }
      ).__portalLinkTest;
      const result = await hook.contextMenuClick(
        { menuItemId: 'copy-portal-link-mailto', linkUrl: 'mailto:bob.requester@example.org' },
        { id: tab?.id, url: 'https://acme.zendesk.com/agent/tickets/1' },
      );
      // Firefox's `browser.*` returns promises; the typings only know the callback form.
      const getBadgeText = browser.browserAction.getBadgeText as (details: { tabId?: number }) => Promise<string>;
      return [result, await getBadgeText({ tabId: tab?.id })] as const;
    });
    expect(outcome).toMatchObject({ ok: true });
    expect(badge).toBe('✓');
    const link = await firefox.readClipboard();
    expect(link.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    const seen = appstle.requests().slice(before);
    expect(new URL(seen[0]?.path ?? '', 'https://x').searchParams.get('email')).toBe('bob.requester@example.org');
  });
});
