import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { APPSTLE_KEY, audit, call, GIGSTACK_KEY, mockProvider, SHOP, setStore, signIn } from './helpers';

const copy = (storeId = 'acme', customer: Record<string, string> = { email: 'carla@example.com' }) => ({
  storeId,
  customer,
  action: 'copy',
  context: { helpdeskHost: 'acme.zendesk.com', ticketId: '4711' },
});

describe('POST /v1/links', () => {
  it('copies a link through the shared Appstle code, with the key sent to Appstle only', async () => {
    const { seen } = mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: copy() });
    expect(r.status).toBe(200);
    expect(new URL(r.json.url).hostname).toBe(SHOP);
    expect(r.json.expiresAt).toBeGreaterThan(Date.now());
    expect(seen).toHaveLength(1);
    const sent = seen[0];
    expect(sent?.url.hostname).toBe('subscription-admin.appstle.com');
    expect(new Headers(sent?.init?.headers).get('x-api-key')).toBe(APPSTLE_KEY);
    expect([...(sent?.url.searchParams.values() ?? [])]).toContain('carla@example.com');
  });

  it('writes one audit row per allowed request: UTC time, agent, store, customer, action, outcome, host, ticket, token hash', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: copy() });
    const rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      agent: 'ana@acme.test',
      store: 'acme',
      customer: 'carla@example.com',
      action: 'copy',
      outcome: 'allowed',
      helpdeskHost: 'acme.zendesk.com',
      ticketId: '4711',
    });
    expect(rows[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rows[0]?.tokenHash).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(rows)).not.toContain(r.json.url);
    expect(JSON.stringify(rows)).not.toContain(ana.accessToken);
  });

  it('uses gigstack through the shared gigstack code (POST, Bearer key, team)', async () => {
    const { seen } = mockProvider(() => ({
      status: 200,
      body: { data: { url: 'https://portal.gigstack.io/s/abc', expires_at: Math.floor(Date.now() / 1000) + 3600 } },
    }));
    await setStore('gig', { provider: 'gigstack', apiKey: GIGSTACK_KEY, team: 'team_1', storeDomain: undefined });
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: copy('gig', { id: 'client_42' }) });
    expect(r.status).toBe(200);
    expect(r.json.url).toBe('https://portal.gigstack.io/s/abc');
    expect(seen[0]?.init?.method).toBe('POST');
    expect(seen[0]?.url.searchParams.get('team')).toBe('team_1');
    expect(new Headers(seen[0]?.init?.headers).get('authorization')).toBe(`Bearer ${GIGSTACK_KEY}`);
  });

  it("turns the provider's errors into the same codes the extension shows, and audits them", async () => {
    mockProvider(() => ({ status: 404, body: { message: 'Customer not found' } }));
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: copy() });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: { code: 'customer-not-found', provider: 'Appstle' } });
    expect((await audit())[0]?.outcome).toBe('provider:customer-not-found');
  });

  it("passes the provider's Retry-After through on a 429", async () => {
    const { seen } = mockProvider(() => ({ status: 429, headers: { 'retry-after': '40' }, body: {} }));
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: copy() });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('40');
    expect(r.json.error).toMatchObject({ code: 'rate-limited', provider: 'Appstle', retryAfterS: 40 });
    expect(seen).toHaveLength(1); // 40 s does not fit the 10 s budget: not retried
  });

  it('refuses a store the agent may not use (cross-store), and an unknown store, with audit rows', async () => {
    const { spy } = mockProvider();
    await setStore('acme');
    await setStore('other', { name: 'Other' });
    const ana = await signIn('ana@acme.test', ['acme']);
    const stores = await call('/v1/stores', { token: ana.accessToken });
    expect(stores.json.stores.map((s: { id: string }) => s.id)).toEqual(['acme']);
    const forbidden = await call('/v1/links', { token: ana.accessToken, body: copy('other') });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toEqual({ error: { code: 'store-forbidden' } });
    // A restricted agent learns nothing about other stores, not even whether they exist.
    const probe = await call('/v1/links', { token: ana.accessToken, body: copy('nope') });
    expect(probe.json).toEqual({ error: { code: 'store-forbidden' } });
    const bob = await signIn('bob@acme.test');
    const unknown = await call('/v1/links', { token: bob.accessToken, body: copy('nope') });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: { code: 'unknown-store' } });
    expect(spy).not.toHaveBeenCalled();
    expect((await audit()).map((r) => [r.agent, r.store, r.outcome])).toEqual([
      ['ana@acme.test', 'other', 'store-forbidden'],
      ['ana@acme.test', 'nope', 'store-forbidden'],
      ['bob@acme.test', 'nope', 'unknown-store'],
    ]);
  });

  it('a new code for a restricted agent keeps their stores; only --all-stores (null) lifts the limit', async () => {
    mockProvider();
    await setStore('acme');
    await setStore('other', { name: 'Other' });
    const storesOf = async (token: string) =>
      (await call('/v1/stores', { token })).json.stores.map((s: { id: string }) => s.id);
    await signIn('ana@acme.test', ['acme']);
    const again = await signIn('ana@acme.test'); // `agent add ana@acme.test` with no flag
    expect(await storesOf(again.accessToken)).toEqual(['acme']);
    expect((await call('/v1/links', { token: again.accessToken, body: copy('other') })).status).toBe(403);
    const lifted = await signIn('ana@acme.test', null); // `--all-stores`
    expect(await storesOf(lifted.accessToken)).toEqual(['acme', 'other']);
  });

  it('refuses malformed requests and customers before any provider call, audited', async () => {
    const { spy } = mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    for (const body of [
      '{not json',
      { storeId: 'acme', customer: { email: 'a@b.test', id: '1' }, action: 'copy' },
      { storeId: 'acme', customer: { email: 'a@b.test' }, action: 'delete' },
    ]) {
      expect((await call('/v1/links', { token: ana.accessToken, body })).status).toBe(400);
    }
    const bad = await call('/v1/links', { token: ana.accessToken, body: copy('acme', { email: 'not an email' }) });
    expect(bad.json).toEqual({ error: { code: 'invalid-customer' } });
    expect(spy).not.toHaveBeenCalled();
    expect((await audit()).map((r) => r.outcome)).toEqual([
      'invalid-request',
      'invalid-request',
      'invalid-request',
      'invalid-customer',
    ]);
  });

  it('limits each agent per minute (429 + Retry-After, audited); other agents are not affected', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const bob = await signIn('bob@acme.test');
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await call('/v1/links', { token: ana.accessToken, body: copy() })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]); // LIMIT_PER_MINUTE=5 in the test config
    const limited = await call('/v1/links', { token: ana.accessToken, body: copy() });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json).toEqual({ error: { code: 'rate-limited', retryAfterS: retryAfter } });
    expect((await call('/v1/links', { token: bob.accessToken, body: copy() })).status).toBe(200);
    const outcomes = (await audit()).filter((r) => r.agent === 'ana@acme.test').map((r) => r.outcome);
    expect(outcomes).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'rate-limited', 'rate-limited']);
  });

  it('cannot reach the network: an unstubbed provider call fails as "provider down", audited', async () => {
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: copy() });
    expect(r.status).toBe(502);
    expect(r.json).toEqual({ error: { code: 'provider-down', provider: 'Appstle' } });
    expect((await audit()).map((row) => row.outcome)).toEqual(['provider:provider-down']);
  });

  it('an audit write that fails means no provider call and no link', async () => {
    const { spy } = mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    await env.DB.exec("CREATE TRIGGER audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    const r = await call('/v1/links', { token: ana.accessToken, body: copy() });
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ error: { code: 'audit-unavailable' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('an audit row that cannot be finalised after the call means no link in the response', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    await env.DB.exec("CREATE TRIGGER audit_stuck BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'read only'); END;");
    const r = await call('/v1/links', { token: ana.accessToken, body: copy() });
    expect(r.status).toBe(503);
    expect(r.text).not.toContain('https://');
    expect((await audit()).map((row) => row.outcome)).toEqual(['pending']);
  });

  it('audit rows cannot be changed or deleted once final', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    await call('/v1/links', { token: ana.accessToken, body: copy() });
    await expect(env.DB.prepare("UPDATE audit SET outcome = 'x'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("UPDATE audit SET agent = 'x'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM audit').run()).rejects.toThrow(/append-only/);
    expect(await audit()).toHaveLength(1);
  });

  it('emails the customer through Appstle: one request, the answer names the address, audited', async () => {
    const { seen } = mockProvider((url) =>
      url.pathname.endsWith('/subscription-contracts-email-magic-link')
        ? { status: 200, body: 'Email triggered successfully.' }
        : { status: 500, body: {} },
    );
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: { ...copy(), action: 'email' } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ emailed: true, to: 'carla@example.com' });
    const mails = seen.filter((s) => s.url.pathname.endsWith('/subscription-contracts-email-magic-link'));
    expect(mails.map((s) => s.url.searchParams.get('email'))).toEqual(['carla@example.com']);
    expect(await audit()).toMatchObject([{ action: 'email', outcome: 'emailed' }]);
  });

  it('a failed email is asked once, never retried (it sends mail), and audited as refused', async () => {
    const { seen } = mockProvider((url) =>
      url.pathname.endsWith('/subscription-contracts-email-magic-link')
        ? { status: 503, body: {} }
        : { status: 500, body: {} },
    );
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const r = await call('/v1/links', { token: ana.accessToken, body: { ...copy(), action: 'email' } });
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(seen.filter((s) => s.url.pathname.endsWith('/subscription-contracts-email-magic-link'))).toHaveLength(1);
    const [row] = await audit();
    expect(row?.action).toBe('email');
    expect(row?.outcome).not.toBe('emailed');
  });
});
