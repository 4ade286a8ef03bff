/**
 * An extension update (reload) with a Zendesk ticket open: Chrome leaves the old content script
 * orphaned in the tab. It must take its UI away quietly (no "Extension context invalidated" in any
 * console), and the page, once reloaded, gets a new content script that copies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { expectedAppstleUrlPrefix, mockAppstle, type ProviderMock } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type Harness, launchExtension, PRODUCTION_BUILD } from './support/extension';
import { COPIED_TOAST, inlineButton, openHelpdeskPage, toast } from './support/helpdesk';
import { expectNoSecretsLogged } from './support/secrets';
import { appstleStore } from './support/settings';

let server: MockServer;
let appstle: ProviderMock;
let harness: Harness;

beforeAll(async () => {
  server = await startMockServer();
  appstle = mockAppstle(server);
  mockZendesk(server);
  harness = await launchExtension(server);
  await harness.setSettings({ stores: [appstleStore()] });
});

afterAll(async () => {
  if (harness) expectNoSecretsLogged(harness);
  await harness?.close();
  await server?.close();
});

/** Errors and warnings of any context (the fixture has no favicon: Chromium's 404 line for it is not ours). */
const problems = () =>
  harness.logs.filter(
    (l) =>
      (/error|exception|warn/i.test(l.type) || /context invalidated|Uncaught|Unchecked runtime/i.test(l.text)) &&
      !/^Failed to load resource: the server responded with a status of 404/.test(l.text),
  );

describe('extension reload with a ticket open', () => {
  it('the old button goes quietly; after a page reload the new content script copies', async () => {
    const page = await openHelpdeskPage(harness, `https://${ZENDESK_HOST}/agent/tickets/101`);
    await expect.poll(() => inlineButton(page).count()).toBe(1);
    const box = await inlineButton(page).boundingBox();
    // An update as Chromium applies it: the same unpacked extension loaded again (same id).
    const browser = harness.context.browser();
    if (!browser) throw new Error('no browser');
    const cdp = await browser.newBrowserCDPSession();
    const { id } = (await cdp.send('Extensions.loadUnpacked', { path: PRODUCTION_BUILD })) as { id: string };
    expect(id).toBe(harness.extensionId);
    await cdp.detach();
    await page.waitForTimeout(1_000);

    // Chromium tells an orphaned script nothing; it notices on the page's next change, the tab
    // coming back, or (here) the agent's pointer reaching the button — before any click.
    expect(box).not.toBeNull();
    const centre = { x: (box?.x ?? 0) + (box?.width ?? 0) / 2, y: (box?.y ?? 0) + (box?.height ?? 0) / 2 };
    await page.mouse.move(centre.x, centre.y);
    await expect.poll(() => page.locator('[data-portal-link]').count(), { timeout: 5_000 }).toBe(0);
    const requestsAfterUpdate = appstle.requests().length;
    await page.mouse.click(centre.x, centre.y);
    await page.waitForTimeout(500);
    expect(appstle.requests().length).toBe(requestsAfterUpdate);
    expect(problems()).toEqual([]);

    const before = appstle.requests().length;
    await page.reload();
    await expect.poll(() => inlineButton(page).count(), { timeout: 10_000 }).toBe(1);
    await inlineButton(page).click();
    await expect.poll(() => toast(page, 'status').textContent()).toMatch(COPIED_TOAST);
    expect(appstle.requests().length - before).toBe(1);
    expect((await harness.readClipboard()).startsWith(expectedAppstleUrlPrefix())).toBe(true);
    expect(problems()).toEqual([]);
    await page.close();
  });
});
