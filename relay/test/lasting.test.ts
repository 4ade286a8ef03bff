import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN, audit, call, mockProvider, SHOP, setStore, signIn } from './helpers';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';

async function lasting(
  token: string,
  customer: Record<string, string> = { email: 'jane@example.com' },
  storeId = 'acme',
) {
  return call('/v1/lasting-links', {
    token,
    body: { storeId, customer, context: { helpdeskHost: 'acme.zendesk.com', ticketId: '42' } },
  });
}

/** A customer's browser at /l/<id>: GET or a form POST, with its own headers. */
async function visit(
  path: string,
  init: { method?: 'GET' | 'POST'; token?: string; headers?: Record<string, string>; ip?: string } = {},
) {
  const response = await exports.default.fetch(
    new Request(`https://relay.example.test${path}`, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        'cf-connecting-ip': init.ip ?? '198.51.100.7',
        'user-agent': CHROME,
        ...(init.method === 'POST'
          ? { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }
          : {}),
        ...init.headers,
      },
      body: init.token === undefined ? undefined : new URLSearchParams({ token: init.token }).toString(),
    }),
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const formTokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '';
const pathOf = (url: string) => new URL(url).pathname;
/** The page without its per-response nonce, to compare two pages' bodies. */
const stable = (html: string) => html.replace(/nonce="[^"]+"/g, 'nonce=""');

async function setup() {
  const mock = mockProvider();
  await setStore('acme', { name: 'Acme Coffee' });
  const ana = await signIn('ana@acme.test');
  const made = await lasting(ana.accessToken);
  expect(made.status).toBe(200);
  return { ...mock, ana, url: made.json.url as string, expiresAt: made.json.expiresAt as number };
}

async function open(path: string, headers: Record<string, string> = {}) {
  const page = await visit(path, { headers });
  return visit(path, { method: 'POST', token: formTokenOf(page.text), headers });
}

describe('POST /v1/lasting-links', () => {
  it('answers a relay URL with a 128-bit id, stores only its hash, lasts 7 days and writes an audit row', async () => {
    const { url, expiresAt, spy } = await setup();
    expect(url).toMatch(/^https:\/\/relay\.example\.test\/l\/[A-Za-z0-9_-]{22}$/);
    expect(spy).not.toHaveBeenCalled();
    expect(Math.abs(expiresAt - (Date.now() + 7 * 86_400_000))).toBeLessThan(5000);
    const id = pathOf(url).slice(3);
    const rows = await env.DB.prepare('SELECT * FROM lasting_links').all<Record<string, unknown>>();
    expect(rows.results).toHaveLength(1);
    expect(JSON.stringify(rows.results)).not.toContain(id);
    expect(rows.results[0]).toMatchObject({ store_id: 'acme', customer: 'jane@example.com', agent: 'ana@acme.test' });
    const [row] = await audit();
    expect(row).toMatchObject({
      agent: 'ana@acme.test',
      store: 'acme',
      customer: 'jane@example.com',
      action: 'lasting-create',
      outcome: 'created',
      helpdeskHost: 'acme.zendesk.com',
      ticketId: '42',
    });
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{12}$/);
  });

  it('uses the store’s lastingLinkDays (1–30) and refuses days out of range', async () => {
    mockProvider();
    await setStore('acme');
    const bad = await call('/admin/lasting-links/stores/acme', {
      method: 'PUT',
      headers: ADMIN,
      body: { lastingLinkDays: 31 },
    });
    expect(bad.status).toBe(400);
    const ok = await call('/admin/lasting-links/stores/acme', {
      method: 'PUT',
      headers: ADMIN,
      body: { lastingLinkDays: 30 },
    });
    expect(ok.status).toBe(200);
    const ana = await signIn('ana@acme.test');
    const made = await lasting(ana.accessToken);
    expect(Math.abs(made.json.expiresAt - (Date.now() + 30 * 86_400_000))).toBeLessThan(5000);
  });

  it('counts in the agent’s limits like a copy, refuses unknown agents and stores, all audited', async () => {
    mockProvider();
    await setStore('acme');
    await setStore('other', { helpdeskHosts: ['other.zendesk.com'] });
    const ana = await signIn('ana@acme.test', ['acme']);
    expect((await call('/v1/lasting-links', { body: { storeId: 'acme', customer: { email: 'a@b.co' } } })).status).toBe(
      401,
    );
    expect((await lasting(ana.accessToken, undefined, 'other')).status).toBe(403);
    expect((await lasting(ana.accessToken, { email: 'not an email' })).status).toBe(400);
    // LIMIT_PER_MINUTE is 5 in the tests: the invalid customer, a copy and three lasting links use it up.
    for (let i = 0; i < 1; i++) {
      expect(
        (
          await call('/v1/links', {
            token: ana.accessToken,
            body: { storeId: 'acme', customer: { email: 'jane@example.com' }, action: 'copy' },
          })
        ).status,
      ).toBe(200);
    }
    for (let i = 0; i < 3; i++) expect((await lasting(ana.accessToken)).status).toBe(200);
    const refused = await lasting(ana.accessToken);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await audit()).map((r) => r.outcome)).toEqual([
      'unauthenticated',
      'store-forbidden',
      'invalid-customer',
      'allowed',
      'created',
      'created',
      'created',
      'rate-limited',
    ]);
  });

  it('a failed audit write means no link (and no link row)', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    await env.DB.exec("CREATE TRIGGER audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    const r = await lasting(ana.accessToken);
    expect(r.status).toBe(503);
    expect(r.text).not.toContain('/l/');
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM lasting_links').first<{ n: number }>())?.n).toBe(0);
  });
});

describe('GET /l/<id>', () => {
  it('shows the store and one button, mints nothing, and is locked down (CSP, noindex, no-referrer, no script)', async () => {
    const { url, spy } = await setup();
    const page = await visit(pathOf(url));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Acme Coffee</h1>');
    expect(page.text).toContain('<button type="submit">Open your subscription portal</button>');
    expect(page.text).toMatch(/<form method="post">/);
    expect(page.text).not.toMatch(/<script|javascript:|\son\w+=|https?:\/\/(?!relay)/i);
    expect(page.text).toContain('<meta name="robots" content="noindex,nofollow">');
    expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    // Appstle's links are on the shop's public domain: until the relay has seen one (portal-host.ts),
    // the form may lead to any https host; the relay itself checks where it sends the customer.
    expect(csp).toContain("form-action 'self' https:;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(spy).not.toHaveBeenCalled();
    const view = (await audit()).at(-1);
    expect(view).toMatchObject({
      action: 'lasting-view',
      outcome: 'shown',
      agent: 'ana@acme.test',
      client: 'chrome/desktop',
    });
    expect(JSON.stringify(await audit())).not.toContain('198.51.100.7');
  });

  it('speaks Spanish when the customer’s browser prefers it', async () => {
    const { url } = await setup();
    const es = await visit(pathOf(url), { headers: { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' } });
    expect(es.text).toContain('<html lang="es">');
    expect(es.text).toContain('Abrir tu portal de suscripción');
    const en = await visit(pathOf(url), { headers: { 'accept-language': 'fr-FR, en;q=0.8, es;q=0.7' } });
    expect(en.text).toContain('Open your subscription portal');
  });

  it('unknown, malformed, expired and revoked ids get the same page and status', async () => {
    const { url } = await setup();
    const id = pathOf(url).slice(3);
    const unknown = await visit('/l/AAAAAAAAAAAAAAAAAAAAAA');
    const malformed = await visit('/l/%3Cscript%3E');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('This link is no longer valid');
    expect(unknown.text).toContain('Reply to the email');
    // Expired: moved into the past in D1.
    await env.DB.prepare('UPDATE lasting_links SET expires_at = 1').run();
    const expired = await visit(`/l/${id}`);
    await env.DB.prepare('UPDATE lasting_links SET expires_at = 4102444800').run();
    expect((await visit(`/l/${id}`)).status).toBe(200);
    const revoke = await call('/admin/lasting-links/revoke', { headers: ADMIN, body: { id: url } });
    expect(revoke.json).toEqual({ revoked: 1 });
    const revoked = await visit(`/l/${id}`);
    for (const miss of [malformed, expired, revoked]) {
      expect(miss.status).toBe(unknown.status);
      expect(stable(miss.text)).toBe(stable(unknown.text));
    }
    expect((await audit()).filter((r) => r.action === 'lasting-view').map((r) => r.outcome)).toEqual([
      'invalid',
      'invalid',
      'invalid',
      'shown',
      'invalid',
    ]);
  });

  it('a flood of GETs on one link, or from one IP, gets the 429 page with Retry-After', async () => {
    const { url } = await setup();
    for (let i = 0; i < 60; i++) expect((await visit(pathOf(url), { ip: `192.0.2.${i}` })).status).toBe(200);
    const perLink = await visit(pathOf(url), { ip: '192.0.2.200' });
    expect(perLink.status).toBe(429);
    expect(Number(perLink.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(perLink.text).toContain('Too many tries');
    for (let i = 0; i < 30; i++)
      await visit(`/l/AAAAAAAAAAAAAAAAAAAA${String(i).padStart(2, '0')}`, { ip: '192.0.2.250' });
    const perIp = await visit('/l/BBBBBBBBBBBBBBBBBBBBBB', { ip: '192.0.2.250' });
    expect(perIp.status).toBe(429);
    expect(perIp.headers.get('retry-after')).not.toBeNull();
  }, 60_000);
});

describe('POST /l/<id>', () => {
  it('mints the link for the bound customer now and answers 303 to it; the audit shows the open', async () => {
    const { url, seen } = await setup();
    const r = await open(pathOf(url), {
      'user-agent':
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1',
    });
    expect(r.status).toBe(303);
    const location = new URL(r.headers.get('location') ?? '');
    expect(location.origin).toBe(`https://${SHOP}`);
    expect(location.pathname).toBe('/tools/recurring/customer_portal');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url.searchParams.get('email') ?? seen[0]?.url.searchParams.get('emailId')).toBe('jane@example.com');
    const open1 = (await audit()).at(-1);
    expect(open1).toMatchObject({
      action: 'lasting-open',
      outcome: 'opened',
      customer: 'jane@example.com',
      client: 'safari/mobile',
    });
  });

  it('a link for a customer id asks the provider for that id', async () => {
    const { seen } = mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const made = await lasting(ana.accessToken, { id: 'gid://shopify/Customer/777' });
    expect((await open(pathOf(made.json.url))).status).toBe(303);
    expect(seen[0]?.url.searchParams.get('customerId')).toBe('777');
  });

  it('a forged, replayed, other link’s or cross-site form token gets the 403 page and mints nothing', async () => {
    const { url, ana, spy } = await setup();
    const other = (await lasting(ana.accessToken, { email: 'bob@example.com' })).json.url as string;
    const path = pathOf(url);
    const token = formTokenOf((await visit(path)).text);
    const otherToken = formTokenOf((await visit(pathOf(other))).text);
    const [nonce, issued] = token.split('.');
    const forged = `${nonce}.${issued}.${'A'.repeat(43)}`;
    const older = `${nonce}.${Number(issued) - 100}.${token.split('.')[2]}`;
    for (const attempt of ['', 'x', forged, older, otherToken]) {
      const r = await visit(path, { method: 'POST', token: attempt });
      expect(r.status).toBe(403);
      expect(r.text).toContain('This page has expired');
    }
    const crossSite = await visit(path, { method: 'POST', token, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const foreignOrigin = await visit(path, { method: 'POST', token, headers: { origin: 'https://evil.example' } });
    expect(foreignOrigin.status).toBe(403);
    expect(spy).not.toHaveBeenCalled();
    expect((await visit(path, { method: 'POST', token })).status).toBe(303);
    const replay = await visit(path, { method: 'POST', token });
    expect(replay.status).toBe(403);
    expect(spy).toHaveBeenCalledTimes(1);
    expect((await audit()).filter((r) => r.action === 'lasting-open').map((r) => r.outcome)).toEqual([
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
      'opened',
      'replayed',
    ]);
  });

  it('a revoked or expired link opens nothing even with a genuine token', async () => {
    const { url, spy } = await setup();
    const token = formTokenOf((await visit(pathOf(url))).text);
    await call('/admin/lasting-links/revoke', { headers: ADMIN, body: { customer: 'JANE@example.com' } });
    const r = await visit(pathOf(url), { method: 'POST', token });
    expect(r.status).toBe(404);
    expect(r.text).toContain('This link is no longer valid');
    expect(spy).not.toHaveBeenCalled();
  });

  it.each([503, 401])(
    'provider answering %i (down, key revoked): the friendly page, never the raw error; audited',
    async (status) => {
      {
        const { url } = await setup();
        mockProvider(() => ({ status, body: { message: 'upstream exploded: key sk_live_123' } }));
        const r = await open(pathOf(url));
        expect(r.status).toBe(502);
        expect(r.headers.get('location')).toBeNull();
        expect(r.text).toContain(
          'We couldn’t open your portal right now — try again in a few minutes or reply to our email',
        );
        expect(r.text).not.toMatch(/exploded|sk_live|503|401/);
        const last = (await audit()).at(-1);
        expect(last?.action).toBe('lasting-open');
        expect(last?.outcome).toMatch(/^provider:/);
        expect(last?.outcome).not.toBe('provider:internal');
      }
    },
  );

  it('never redirects off the store’s portal host, whatever the provider answers (no open redirect)', async () => {
    const { url } = await setup();
    // The store's public portal host, trusted on first use (portal-host.ts): any other is refused after.
    mockProvider(() => ({
      status: 200,
      body: {
        manageSubscriptionLink: 'https://shop.acme-coffee.example/tools/recurring/customer_portal?token=x',
        tokenExpirationTime: new Date(Date.now() + 3600_000).toISOString(),
      },
    }));
    expect((await open(pathOf(url))).status).toBe(303);
    for (const link of [
      'https://evil.example/tools/recurring/customer_portal?token=x',
      'http://acme.myshopify.com/tools/recurring/customer_portal?token=x',
      'https://user:pw@acme.myshopify.com/x',
      'javascript:alert(1)',
    ]) {
      mockProvider(() => ({
        status: 200,
        body: { manageSubscriptionLink: link, tokenExpirationTime: new Date(Date.now() + 3600_000).toISOString() },
      }));
      const r = await open(pathOf(url));
      expect(r.status).toBe(502);
      expect(r.headers.get('location')).toBeNull();
    }
    // The request cannot name a target either: extra fields and a query string are ignored.
    mockProvider();
    const page = await visit(pathOf(url));
    const r = await exports.default.fetch(
      new Request(`https://relay.example.test${pathOf(url)}?next=https://evil.example`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '198.51.100.7' },
        body: `token=${formTokenOf(page.text)}&url=https://evil.example&redirect=https://evil.example`,
      }),
    );
    expect(r.status).toBe(303);
    expect(new URL(r.headers.get('location') ?? '').host).toBe(SHOP);
  });

  it('a D1 write failure means no redirect and no provider call', async () => {
    const { url, spy } = await setup();
    const token = formTokenOf((await visit(pathOf(url))).text);
    await env.DB.exec("CREATE TRIGGER audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    const r = await visit(pathOf(url), { method: 'POST', token });
    expect(r.status).toBe(502);
    expect(r.headers.get('location')).toBeNull();
    expect(spy).not.toHaveBeenCalled();
    await env.DB.exec('DROP TRIGGER audit_down');
    // The row is written but cannot be finalised after the call: still no redirect.
    await env.DB.exec("CREATE TRIGGER audit_stuck BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'read only'); END;");
    const token2 = formTokenOf((await visit(pathOf(url))).text);
    const r2 = await visit(pathOf(url), { method: 'POST', token: token2 });
    expect(r2.status).toBe(502);
    expect(r2.headers.get('location')).toBeNull();
  });

  it('10 opens a day per link, then the 429 page with Retry-After', async () => {
    const { url } = await setup();
    for (let i = 0; i < 10; i++)
      expect((await open(pathOf(url), { 'cf-connecting-ip': `192.0.2.${i}` })).status).toBe(303);
    const r = await open(pathOf(url), { 'cf-connecting-ip': '192.0.2.99' });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await audit()).at(-1)).toMatchObject({ action: 'lasting-open', outcome: 'rate-limited' });
  });
});

describe('admin: link list and revoke', () => {
  it('lists by agent and customer, revokes by hash prefix and by customer; a removed agent’s links keep working', async () => {
    const { url, ana } = await setup();
    await lasting(ana.accessToken, { email: 'bob@example.com' });
    const ben = await signIn('ben@acme.test');
    await lasting(ben.accessToken, { email: 'jane@example.com' });
    const all = (await call('/admin/lasting-links', { headers: ADMIN })).json.links;
    expect(all).toHaveLength(3);
    expect(JSON.stringify(all)).not.toContain(pathOf(url).slice(3));
    const byAgent = (await call('/admin/lasting-links?agent=ana@acme.test', { headers: ADMIN })).json.links;
    expect(byAgent.map((l: { customer: string }) => l.customer).sort()).toEqual([
      'bob@example.com',
      'jane@example.com',
    ]);
    const byCustomer = (await call('/admin/lasting-links?customer=jane@example.com', { headers: ADMIN })).json.links;
    expect(byCustomer.map((l: { agent: string }) => l.agent).sort()).toEqual(['ana@acme.test', 'ben@acme.test']);
    expect((await call('/admin/lasting-links', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);

    // Removing Ana leaves her links working (sent on the store's behalf).
    expect((await call('/admin/agents/ana@acme.test', { method: 'DELETE', headers: ADMIN })).status).toBe(200);
    expect((await visit(pathOf(url))).status).toBe(200);
    expect((await open(pathOf(url))).status).toBe(303);

    // Revoke one by the prefix `link list` shows.
    const mine = byCustomer.find((l: { agent: string }) => l.agent === 'ana@acme.test');
    const r = await call('/admin/lasting-links/revoke', { headers: ADMIN, body: { id: mine.id.slice(0, 10) } });
    expect(r.json).toEqual({ revoked: 1 });
    expect((await visit(pathOf(url))).status).toBe(404);
    expect((await call('/admin/lasting-links/revoke', { headers: ADMIN, body: { id: 'zzzz-not-hex' } })).status).toBe(
      400,
    );

    // --revoke-links: every link an agent sent.
    const byAna = await call('/admin/lasting-links/revoke', { headers: ADMIN, body: { agent: 'ana@acme.test' } });
    expect(byAna.json).toEqual({ revoked: 1 });
    const left = (await call('/admin/lasting-links', { headers: ADMIN })).json.links.filter(
      (l: { revokedAt: string | null }) => !l.revokedAt,
    );
    expect(left.map((l: { agent: string }) => l.agent)).toEqual(['ben@acme.test']);
  });
});
