/**
 * The team relay end to end: the built extension (e2e build) in Chromium against `npm run relay:dev`
 * (wrangler + workerd + local D1) whose Appstle calls go to a local stand-in. An administrator uses
 * the real admin CLI; the agent signs in on the options page, copies from the popup and from a
 * Zendesk ticket; the audit shows both; once the agent is removed, the next copy says so.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { APPSTLE_HOST, APPSTLE_KEY, expectedAppstleUrlPrefix } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type ChromeGlobal, E2E_BUILD, type Harness, launchExtension } from './support/extension';
import { COPIED_TOAST, inlineButton, openHelpdeskPage, toast } from './support/helpdesk';
import {
  type AppstleHttpMock,
  addAgent,
  addAppstleStore,
  type Relay,
  signInToRelay,
  startAppstleHttpMock,
  startRelay,
} from './support/relay';
import { expectNoSecretsLogged, finishAfterAll } from './support/secrets';
import { appstleStore } from './support/settings';

const AGENT = 'ana@acme.test';
const SENTINEL = 'clipboard before the copy';
const REMOVED =
  'Your team relay removed your access (agent-removed). Ask your administrator for a new enrollment code.';

let server: MockServer;
let harness: Harness;
let appstleHttp: AppstleHttpMock;
let relay: Relay;
let code: string;

beforeAll(async () => {
  server = await startMockServer();
  mockZendesk(server);
  appstleHttp = await startAppstleHttpMock();
  relay = await startRelay({ APPSTLE_API_BASE: appstleHttp.base });
  await addAppstleStore(relay, 'Acme (team)', ZENDESK_HOST);
  code = await addAgent(relay, AGENT);
  harness = await launchExtension(server, { build: E2E_BUILD });
}, 180_000);

finishAfterAll(() => ({ harness, server }));
afterAll(async () => {
  await relay?.stop();
  await appstleHttp?.close();
});

/** The link requests' rows (the audit also has a row per sign-in, refresh and refused store list). */
async function auditRows(): Promise<Record<string, string | null>[]> {
  const rows: Record<string, string | null>[] = JSON.parse(await relay.admin(['audit', '--format', 'json']));
  return rows.filter((row) => row.action === 'copy' || row.action === 'email');
}

const signIn = (enrollmentCode: string) => signInToRelay(harness, relay, enrollmentCode, AGENT);

describe('team relay', () => {
  it('sign in, copy and email from the popup, copy from a Zendesk ticket (audited), sign out at the relay; a removed agent is told so', async () => {
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    // The agent's own store also maps the Zendesk account: the relay's store must take it over.
    await harness.setSettings({ stores: [appstleStore({ helpdeskHosts: [ZENDESK_HOST] })] });

    // Sign in: Provider → Team relay, Relay URL, Enrollment code, Sign in.
    const options = await signIn(code);
    const stored = await harness.worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as ChromeGlobal;
      return {
        local: await chrome.storage.local.get('relay'),
        session: await chrome.storage.session.get('relay:access'),
        granted: await chrome.permissions.getAll(),
      };
    });
    // The refresh token is sealed at rest: storage.local holds no token.
    expect(stored.local.relay.sealedRefreshToken).toMatch(/^sealed:v1:/);
    expect(JSON.stringify(stored.local)).not.toMatch(/plr_/);
    const accessToken: string = stored.session['relay:access'].token;
    expect(accessToken.split('.')).toHaveLength(3);
    expect(stored.local.relay.stores).toEqual([
      { id: 'acme', name: 'Acme (team)', provider: 'appstle', helpdeskHosts: [ZENDESK_HOST] },
    ]);
    // This test is about the provider's own link: the store's Link type goes from Lasting link (the
    // default for relay stores; tests/e2e/lasting.e2e.test.ts) to Direct link.
    await options
      .getByRole('tablist')
      .getByRole('tab', { name: /^Acme \(team\)/ })
      .click();
    const linkType = options.getByRole('group', { name: 'Acme (team)' }).getByLabel('Link type');
    await expect.poll(() => linkType.inputValue()).toBe('lasting');
    await linkType.selectOption({ label: 'Direct link' });
    await expect
      .poll(() =>
        harness.worker.evaluate(async () => {
          const { chrome } = globalThis as unknown as ChromeGlobal;
          return (await chrome.storage.local.get('relayLinkTypes')).relayLinkTypes;
        }),
      )
      .toEqual({ acme: 'direct' });
    await options.close();

    // Popup: the relay's store is in the Store select; copy for a typed email.
    await harness.writeClipboard(SENTINEL);
    const popup = await harness.open('popup.html');
    const storeSelect = popup.getByLabel('Store');
    await expect.poll(() => storeSelect.locator('option').allTextContents()).toEqual(['Acme (team)', 'Acme']);
    await storeSelect.selectOption({ label: 'Acme (team)' });
    await popup.getByLabel('Customer email or ID').fill('jane@example.com');
    await popup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => popup.getByRole('status').textContent(), { timeout: 20_000 }).toMatch(/copied/i);
    const popupLink = await harness.readClipboard();
    expect(popupLink.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    // Email portal link on a relay store: the relay has Appstle send it, with the relay's key, audited.
    await popup.getByRole('button', { name: 'Email portal link' }).click();
    await expect
      .poll(() => popup.getByRole('status').textContent(), { timeout: 20_000 })
      .toContain('Portal link emailed to jane@example.com');
    await popup.close();

    // Zendesk ticket 101: the inline button copies the requester's link through the relay.
    await harness.writeClipboard(SENTINEL);
    let page: Page = await openHelpdeskPage(harness, `https://${ZENDESK_HOST}/agent/tickets/101`);
    await expect.poll(() => inlineButton(page).count()).toBe(1);
    await inlineButton(page).click();
    await expect.poll(() => toast(page, 'status').textContent(), { timeout: 20_000 }).toMatch(COPIED_TOAST);
    const ticketLink = await harness.readClipboard();
    expect(ticketLink.startsWith(expectedAppstleUrlPrefix())).toBe(true);
    await page.close();

    // Both copies and the email went through the relay with its key; the browser never called Appstle itself.
    expect(appstleHttp.lookups.map((l) => [l.path.split('/').at(-1), l.email, l.apiKey])).toEqual([
      ['manage-subscription-link', 'jane@example.com', APPSTLE_KEY],
      ['subscription-contracts-email-magic-link', 'jane@example.com', APPSTLE_KEY],
      ['manage-subscription-link', 'jane@example.com', APPSTLE_KEY],
    ]);
    expect(server.requestsTo(APPSTLE_HOST)).toEqual([]);

    const rows = await auditRows();
    console.log(`relay audit after two copies and an email:\n${JSON.stringify(rows, null, 2)}`);
    expect(
      rows.map(({ agent, store, customer, action, outcome, helpdeskHost, ticketId }) => ({
        agent,
        store,
        customer,
        action,
        outcome,
        helpdeskHost,
        ticketId,
      })),
    ).toEqual([
      {
        agent: AGENT,
        store: 'acme',
        customer: 'jane@example.com',
        action: 'copy',
        outcome: 'allowed',
        helpdeskHost: null,
        ticketId: null,
      },
      {
        agent: AGENT,
        store: 'acme',
        customer: 'jane@example.com',
        action: 'email',
        outcome: 'emailed',
        helpdeskHost: null,
        ticketId: null,
      },
      {
        agent: AGENT,
        store: 'acme',
        customer: 'jane@example.com',
        action: 'copy',
        outcome: 'allowed',
        helpdeskHost: ZENDESK_HOST,
        ticketId: '101',
      },
    ]);
    for (const row of rows) {
      expect(row.at).toMatch(/Z$/);
      expect(row.tokenHash).toMatch(/^[0-9a-f]{12}$/);
      expect(JSON.stringify(row)).not.toContain(popupLink);
    }

    // Sign out ends the session at the relay too (its audit says so), not only in this browser.
    const signOut = await harness.open('options.html');
    await signOut.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => signOut.getByRole('status').textContent()).toBe('Signed out of the team relay.');
    await signOut.close();
    const audit: Record<string, string | null>[] = JSON.parse(await relay.admin(['audit', '--format', 'json']));
    expect(audit.filter((r) => r.action === 'signout').map((r) => [r.agent, r.outcome])).toEqual([
      [AGENT, 'signed-out'],
    ]);
    // Signed in again with a new code, for what follows.
    await (await signIn(await addAgent(relay, AGENT))).close();

    // The administrator removes the agent: every action is refused, says why in the agent's words
    // (never "add your API key"), and reaches the relay's audit; the relay's address is kept.
    await relay.admin(['agent', 'remove', AGENT]);
    await harness.writeClipboard(SENTINEL);
    page = await openHelpdeskPage(harness, `https://${ZENDESK_HOST}/agent/tickets/101`);
    await expect.poll(() => inlineButton(page).count()).toBe(1);
    await inlineButton(page).click();
    await expect.poll(() => toast(page, 'alert').textContent(), { timeout: 20_000 }).toBe(REMOVED);
    expect(await harness.readClipboard()).toBe(SENTINEL);
    await page.close();

    const removedPopup = await harness.open('popup.html');
    await removedPopup.getByLabel('Customer email or ID').fill('jane@example.com');
    await removedPopup.getByRole('button', { name: 'Copy portal link' }).click();
    await expect.poll(() => removedPopup.getByRole('alert').textContent(), { timeout: 20_000 }).toContain(REMOVED);
    await removedPopup.close();

    const removedOptions = await harness.open('options.html');
    await expect.poll(() => removedOptions.getByText(REMOVED).count(), { timeout: 10_000 }).toBe(1);
    expect(await removedOptions.getByLabel('Relay URL').inputValue()).toBe(relay.url);
    await removedOptions.close();
    expect(await harness.readClipboard()).toBe(SENTINEL);

    const after = await auditRows();
    console.log(`relay audit after removal:\n${JSON.stringify(after.slice(3), null, 2)}`);
    expect(after.slice(3).map((r) => [r.agent, r.outcome, r.helpdeskHost, r.ticketId])).toEqual([
      [AGENT, 'agent-removed', ZENDESK_HOST, '101'],
      [AGENT, 'agent-removed', null, null],
    ]);
    expect(appstleHttp.lookups).toHaveLength(3);

    // No token, code, key or link in any console line of the run (pages, worker, content scripts).
    expectNoSecretsLogged(harness, [accessToken, code, relay.adminToken, popupLink, ticketLink]);
  }, 180_000);
});
