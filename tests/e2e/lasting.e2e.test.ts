/**
 * Lasting links end to end (issue 21): the built extension (e2e build) in Chromium against `npm run
 * relay:dev` (wrangler, workerd, local D1) whose Appstle calls go to a local stand-in. The agent copies
 * from a Zendesk ticket and gets the relay's /l/<id> link; a mail scanner's GET mints nothing (the
 * audit shows the view); the customer's browser presses the button and lands on the portal link for
 * the right customer; after `link revoke` the same link shows the "no longer valid" page.
 * LASTING_SCREENSHOTS=1 also saves both pages into docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockZendesk, ZENDESK_HOST } from '../fixtures/helpdesk/zendesk';
import { APPSTLE_KEY, SHOP } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { E2E_BUILD, type Harness, launchExtension } from './support/extension';
import { inlineButton, openHelpdeskPage, toast } from './support/helpdesk';
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

const AGENT = 'ana@acme.test';
const CUSTOMER = { id: '12345', email: 'jane@example.com' }; // ticket 101's requester
const CUSTOMER_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const SCANNER_UA = 'Mozilla/5.0 (compatible; Microsoft Safe Links; +https://aka.ms/safelinks) scanner';

let server: MockServer;
let harness: Harness;
let appstleHttp: AppstleHttpMock;
let relay: Relay;

beforeAll(async () => {
  server = await startMockServer();
  mockZendesk(server);
  // The shop's portal, where the customer lands after the relay's 303.
  server.route(SHOP, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Portal</h1><p id="path">${req.path}</p>`);
  });
  appstleHttp = await startAppstleHttpMock();
  relay = await startRelay({ APPSTLE_API_BASE: appstleHttp.base });
  await addAppstleStore(relay, 'Acme Coffee', ZENDESK_HOST);
  harness = await launchExtension(server, { build: E2E_BUILD });
}, 180_000);

finishAfterAll(() => ({ harness, server }));
afterAll(async () => {
  await relay?.stop();
  await appstleHttp?.close();
});

async function auditRows(): Promise<Record<string, string | null>[]> {
  return JSON.parse(await relay.admin(['audit', '--format', 'json']));
}

describe('lasting links', () => {
  it('copy from a ticket, a scanner’s GET mints nothing, the customer opens it, revoke ends it', async () => {
    const code = await addAgent(relay, AGENT);
    const options = await signInToRelay(harness, relay, code, AGENT);
    // Lasting link is the relay store's default Link type.
    const linkType = options.getByRole('group', { name: 'Acme Coffee' }).getByLabel('Link type');
    await expect.poll(() => linkType.inputValue()).toBe('lasting');
    await options.close();

    // The agent copies from Zendesk ticket 101: the relay's link, and how long it works.
    const ticket = await openHelpdeskPage(harness, `https://${ZENDESK_HOST}/agent/tickets/101`);
    await expect.poll(() => inlineButton(ticket).count()).toBe(1);
    await inlineButton(ticket).click();
    const until = new Date(Date.now() + 7 * 86_400_000);
    const day = `${until.getDate()} ${until.toLocaleString('en', { month: 'short' })}`;
    await expect
      .poll(() => toast(ticket, 'status').textContent(), { timeout: 20_000 })
      .toBe(`Portal link for ${CUSTOMER.email} copied · works until ${day}`);
    const link = await harness.readClipboard();
    expect(link).toMatch(new RegExp(`^${relay.url.replace(/[.]/g, '\\.')}/l/[A-Za-z0-9_-]{22}$`));
    await ticket.close();
    expect(appstleHttp.lookups).toEqual([]);

    // A mail scanner fetches the link before delivery: a page, nothing minted.
    const scanned = await fetch(link, { headers: { 'user-agent': SCANNER_UA } });
    expect(scanned.status).toBe(200);
    expect(await scanned.text()).toContain('Open your subscription portal');
    expect(appstleHttp.lookups).toEqual([]);
    const afterScan = await auditRows();
    expect(afterScan.at(-1)).toMatchObject({ action: 'lasting-view', outcome: 'shown', client: 'scanner' });

    // Days later (as far as the relay cares), the customer opens it and presses the button.
    const customer = await harness.context.newPage();
    // Headless Chromium says "HeadlessChrome", which the audit counts as a scanner: the customer's
    // browser says what an ordinary desktop Chrome says.
    const cdp = await harness.context.newCDPSession(customer);
    await cdp.send('Network.setUserAgentOverride', { userAgent: CUSTOMER_UA });
    await customer.goto(link);
    await expect.poll(() => customer.locator('h1').textContent()).toBe('Acme Coffee');
    if (process.env.LASTING_SCREENSHOTS) await shoot(customer, 'lasting-link-page.png');
    await customer.getByRole('button', { name: 'Open your subscription portal' }).click();
    await customer.waitForURL(new RegExp(`^https://${SHOP.replace(/[.]/g, '\\.')}/`), { timeout: 20_000 });
    const landed = new URL(customer.url());
    expect(landed.pathname).toBe('/tools/recurring/customer_portal');
    // The stand-in's token names the customer it was minted for: ticket 101's requester.
    const token = landed.searchParams.get('token') ?? '';
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).customerId).toBe(12345);
    expect(appstleHttp.lookups.map((l) => [l.email, l.apiKey])).toEqual([[CUSTOMER.email, APPSTLE_KEY]]);

    // The administrator revokes it (by the id prefix `link list` shows): the same link is now invalid.
    const listed = await relay.admin(['link', 'list', '--customer', CUSTOMER.email]);
    const prefix = listed.trim().split('\n').at(-1)?.split('\t')[0] ?? '';
    expect(prefix).toMatch(/^[0-9a-f]{12}$/);
    expect(await relay.admin(['link', 'revoke', prefix.slice(0, 10)])).toContain('Revoked 1 lasting link');
    const revoked = await customer.goto(link);
    expect(revoked?.status()).toBe(404);
    await expect.poll(() => customer.locator('h1').textContent()).toBe('This link is no longer valid');
    if (process.env.LASTING_SCREENSHOTS) await shoot(customer, 'lasting-link-invalid.png');
    await customer.close();
    expect(appstleHttp.lookups).toHaveLength(1);

    // The other admin commands, as an administrator types them.
    expect(await relay.admin(['link', 'days', 'acme', '3'])).toContain('work for 3 day(s)');
    await expect(relay.admin(['link', 'days', 'acme', '31'])).rejects.toThrow(/400/);
    await expect(relay.admin(['link', 'revoke', '--customer', CUSTOMER.email])).rejects.toThrow(
      'No active lasting link matched',
    );
    expect(await relay.admin(['agent', 'remove', AGENT, '--revoke-links'])).toContain('Revoked 0 lasting link(s)');

    const rows = await auditRows();
    console.log(`lasting link audit:\n${JSON.stringify(rows, null, 2)}`);
    const lasting = rows.filter((r) => r.action?.startsWith('lasting-'));
    expect(lasting.map((r) => [r.action, r.outcome, r.client])).toEqual([
      ['lasting-create', 'created', null],
      ['lasting-view', 'shown', 'scanner'],
      ['lasting-view', 'shown', 'chrome/desktop'],
      ['lasting-open', 'opened', 'chrome/desktop'],
      ['lasting-view', 'invalid', 'chrome/desktop'],
    ]);
    expect(lasting[0]).toMatchObject({
      agent: AGENT,
      customer: CUSTOMER.email,
      helpdeskHost: ZENDESK_HOST,
      ticketId: '101',
    });
    expect(new Set(lasting.map((r) => r.tokenHash))).toEqual(new Set([prefix]));
    const id = link.split('/l/')[1] ?? '';
    expect(JSON.stringify(rows)).not.toContain(id);
    // Chromium itself logs the customer tab's 404 with its address; every other line is checked.
    const logs = harness.logs.filter((l) => !l.url?.startsWith(`${relay.url}/l/`));
    expectNoSecretsLogged({ logs }, [id, code, relay.adminToken, token]);
  }, 180_000);
});

async function shoot(page: import('playwright-core').Page, name: string) {
  const dir = resolve('docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.setViewportSize({ width: 720, height: 520 });
  await page.screenshot({ path: resolve(dir, name) });
}
