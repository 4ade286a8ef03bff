import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN, appstleToken, audit, call, GIGSTACK_KEY, mockProvider, SHOP, setStore, signIn } from './helpers';

// Trust on first use of a store's portal host (relay/src/portal-host.ts): Appstle answers with the
// link on the shop's public domain, which only Appstle knows and which differs from its Store domain.
const PUBLIC = 'shop.acme-coffee.example';
const OTHER = 'elsewhere.example';

const appstleOn = (host: string) =>
  mockProvider(() => ({
    status: 200,
    body: {
      manageSubscriptionLink: `https://${host}/tools/recurring/customer_portal?token=${appstleToken()}`,
      tokenExpirationTime: new Date(Date.now() + 3_600_000).toISOString(),
    },
  }));

async function visit(path: string, token?: string) {
  const response = await exports.default.fetch(
    new Request(`https://relay.example.test${path}`, {
      method: token === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        'cf-connecting-ip': '198.51.100.7',
        ...(token === undefined
          ? {}
          : { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }),
      },
      body: token === undefined ? undefined : new URLSearchParams({ token }).toString(),
    }),
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The customer's page, then the button: the page's CSP and where the button led. */
async function open(path: string) {
  const page = await visit(path);
  const token = /name="token" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const pressed = await visit(path, token);
  return { csp: page.headers.get('content-security-policy') ?? '', ...pressed };
}

async function lastingPath(accessToken: string) {
  const made = await call('/v1/lasting-links', {
    token: accessToken,
    body: { storeId: 'acme', customer: { email: 'jane@example.com' }, context: { helpdeskHost: 'acme.zendesk.com' } },
  });
  expect(made.status).toBe(200);
  return new URL(made.json.url).pathname;
}

const remembered = async (id = 'acme') =>
  (await env.DB.prepare('SELECT portal_host FROM stores WHERE id = ?').bind(id).first<{ portal_host: string | null }>())
    ?.portal_host;

const copy = (storeId = 'acme', customer: Record<string, string> = { email: 'carla@example.com' }) => ({
  storeId,
  customer,
  action: 'copy',
  context: { helpdeskHost: 'acme.zendesk.com', ticketId: '4711' },
});

describe('the portal host, trusted on first use', () => {
  it('a lasting link on the shop’s public domain opens, and that host is remembered (audited)', async () => {
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const path = await lastingPath(ana.accessToken);
    appstleOn(PUBLIC);
    const first = await open(path);
    // Before a host is known, the form may lead to any https host (the relay checks on open).
    expect(first.csp).toContain("form-action 'self' https:;");
    expect(first.status).toBe(303);
    expect(new URL(first.headers.get('location') ?? '').hostname).toBe(PUBLIC);
    expect(await remembered()).toBe(PUBLIC);
    const rows = await audit();
    expect(rows.find((r) => r.action === 'lasting-open')?.outcome).toBe('opened');
    expect(rows.find((r) => r.action === 'portal-host')).toMatchObject({ store: 'acme', outcome: `learned:${PUBLIC}` });

    // Later links on that host open; the page's form-action now names only the known hosts.
    const again = await open(path);
    expect(again.csp).toContain(`form-action 'self' https://${SHOP} https://${PUBLIC};`);
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get('location') ?? '').hostname).toBe(PUBLIC);
    const listed = await call('/admin/stores', { headers: ADMIN });
    expect(listed.json.stores[0]).toMatchObject({ id: 'acme', portalHost: PUBLIC });
    // Agents never see it.
    expect(JSON.stringify((await call('/v1/stores', { token: ana.accessToken })).json ?? {})).not.toContain(PUBLIC);
  });

  it('a link on a different host is then refused and audited, until the admin clears the host', async () => {
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const path = await lastingPath(ana.accessToken);
    appstleOn(PUBLIC);
    expect((await open(path)).status).toBe(303);

    appstleOn(OTHER);
    const moved = await open(path);
    expect(moved.status).toBe(502);
    expect(moved.headers.get('location')).toBeNull();
    expect((await audit()).at(-1)).toMatchObject({ action: 'lasting-open', outcome: 'portal-host-changed' });
    expect(await remembered()).toBe(PUBLIC);

    // `store forget-host`: the next host is learned afresh.
    const cleared = await call('/admin/stores/acme/portal-host', { method: 'DELETE', headers: ADMIN });
    expect(cleared.status).toBe(200);
    expect((await audit()).at(-1)).toMatchObject({ action: 'portal-host', store: 'acme', outcome: 'forgotten' });
    const learned = await open(path);
    expect(learned.status).toBe(303);
    expect(new URL(learned.headers.get('location') ?? '').hostname).toBe(OTHER);
    expect(await remembered()).toBe(OTHER);

    // Re-saving the store (`store set`) clears it too.
    await setStore('acme');
    expect(await remembered()).toBeNull();
  });

  it('POST /v1/links learns the host the same way, and refuses another one (audited)', async () => {
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    appstleOn(PUBLIC);
    const first = await call('/v1/links', { token: ana.accessToken, body: copy() });
    expect(first.status).toBe(200);
    expect(new URL(first.json.url).hostname).toBe(PUBLIC);
    expect(await remembered()).toBe(PUBLIC);
    expect((await audit()).map((r) => r.outcome)).toEqual(['allowed', `learned:${PUBLIC}`]);

    appstleOn(OTHER);
    const moved = await call('/v1/links', { token: ana.accessToken, body: copy() });
    expect(moved.status).toBe(502);
    expect(moved.json.error.code).toBe('unsafe-link');
    expect(moved.text).not.toContain(OTHER);
    expect((await audit()).at(-1)).toMatchObject({ action: 'copy', outcome: 'portal-host-changed' });

    // A link on the store's own Store domain is still fine, and learns nothing.
    appstleOn(SHOP);
    expect((await call('/v1/links', { token: ana.accessToken, body: copy() })).status).toBe(200);
    expect(await remembered()).toBe(PUBLIC);
  });

  it('a store of a provider with fixed hosts (gigstack) learns nothing and refuses off-host links', async () => {
    mockProvider(() => ({
      status: 200,
      body: { data: { url: `https://${OTHER}/s/abc`, expires_at: Math.floor(Date.now() / 1000) + 3600 } },
    }));
    await setStore('gig', { provider: 'gigstack', apiKey: GIGSTACK_KEY, team: 'team_1', storeDomain: undefined });
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: copy('gig', { id: 'client_42' }) });
    expect(r.status).toBe(502);
    expect(r.headers.get('location')).toBeNull();
    expect((await audit()).at(-1)?.outcome).toMatch(/unsafe-link/);
    expect(await remembered('gig')).toBeNull();
  });
});
