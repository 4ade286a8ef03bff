/**
 * The link hot path (issue 22.4): what a link costs the relay in D1 round trips, and the per-isolate
 * caches (the store's opened key, the token key) that must never serve a changed or removed store.
 */
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { forgetOpenedKeys, OPENED_KEY_TTL_MS, openKey, sealKey } from '../src/crypto';
import { signAccessToken, verifyAccessToken } from '../src/tokens';
import { ADMIN, APPSTLE_KEY, audit, call, GIGSTACK_KEY, mockProvider, SHOP, setStore, signIn } from './helpers';

const copy = (storeId: string, customer: Record<string, string>) => ({ storeId, customer, action: 'copy' });

/** Counts the relay's D1 round trips: each batch, and each statement run on its own. */
function countRoundTrips() {
  const statement = Object.getPrototypeOf(env.DB.prepare('SELECT 1'));
  const calls: string[] = [];
  for (const method of ['first', 'run', 'all', 'raw'] as const) {
    const original = statement[method];
    vi.spyOn(statement, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
      calls.push(method);
      return original.apply(this, args);
    });
  }
  const database = Object.getPrototypeOf(env.DB);
  const batch = database.batch;
  vi.spyOn(database, 'batch').mockImplementation(function (this: unknown, ...args: unknown[]) {
    calls.push('batch');
    return batch.apply(this, args);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

describe('a link costs D1 two round trips', () => {
  it('one batch (session, store, pending audit row) before the provider call and one to finalise', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const calls = countRoundTrips();
    const r = await call('/v1/links', { token: ana.accessToken, body: copy('acme', { email: 'carla@example.com' }) });
    expect(r.status).toBe(200);
    expect(calls).toEqual(['batch', 'run']);
    vi.restoreAllMocks();
    expect((await audit()).map((row) => [row.customer, row.outcome])).toEqual([['carla@example.com', 'allowed']]);
  });

  it("records the customer as the store's own provider reads it, also for ids", async () => {
    const expires = Date.now() + 3_600_000;
    mockProvider((url) =>
      url.hostname.includes('gigstack')
        ? { status: 200, body: { data: { url: 'https://portal.gigstack.io/s/abc', expires_at: expires / 1000 } } }
        : {
            status: 200,
            body: {
              manageSubscriptionLink: `https://${SHOP}/tools/recurring/customer_portal?token=t`,
              tokenExpirationTime: new Date(expires).toISOString(),
            },
          },
    );
    await setStore('acme');
    await setStore('gig', {
      name: 'Gig',
      provider: 'gigstack',
      apiKey: GIGSTACK_KEY,
      team: 'team_1',
      storeDomain: undefined,
    });
    const ana = await signIn('ana@acme.test');
    const calls = countRoundTrips();
    for (const [storeId, customer] of [
      ['acme', { id: '0042' }],
      ['acme', { email: ' mailto:Carla@Example.com ' }],
      ['gig', { id: 'cus_abc' }],
    ] as const) {
      await call('/v1/links', { token: ana.accessToken, body: copy(storeId, customer) });
    }
    // A Shopify id is not a gigstack id: refused, and that row keeps what the agent sent.
    await call('/v1/links', { token: ana.accessToken, body: copy('gig', { id: '0042' }) });
    expect(calls.filter((c) => c === 'batch')).toHaveLength(4);
    vi.restoreAllMocks();
    expect((await audit()).map((row) => [row.store, row.customer])).toEqual([
      ['acme', '42'],
      ['acme', 'Carla@Example.com'],
      ['gig', 'cus_abc'],
      ['gig', '0042'],
    ]);
    expect((await audit()).map((row) => row.outcome).at(-1)).toBe('invalid-customer');
  });

  it('a refusal D1 cannot see (the limit) finalises the pending row: one row per request, none left pending', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    for (let i = 0; i < 7; i++) await call('/v1/links', { token: ana.accessToken, body: copy('acme', { id: '7' }) });
    const outcomes = (await audit()).map((row) => row.outcome);
    expect(outcomes).toEqual([...Array(5).fill('allowed'), 'rate-limited', 'rate-limited']); // LIMIT_PER_MINUTE=5
  });
});

describe('the opened store key, kept per isolate', () => {
  it('is opened once while fresh, again after its minute, and at once after forgetOpenedKeys', async () => {
    const sealed = await sealKey(env.KEYS_SECRET, 'fresh', 'key-1');
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    const t = Date.now();
    expect(await openKey([env.KEYS_SECRET], 'fresh', sealed, t)).toBe('key-1');
    expect(await openKey([env.KEYS_SECRET], 'fresh', sealed, t + 1000)).toBe('key-1');
    expect(decrypt).toHaveBeenCalledTimes(1);
    expect(await openKey([env.KEYS_SECRET], 'fresh', sealed, t + OPENED_KEY_TTL_MS + 1)).toBe('key-1');
    expect(decrypt).toHaveBeenCalledTimes(2);
    forgetOpenedKeys('fresh');
    await openKey([env.KEYS_SECRET], 'fresh', sealed, t + OPENED_KEY_TTL_MS + 2);
    expect(decrypt).toHaveBeenCalledTimes(3);
    // Kept under the secrets that opened it: without the right one it still does not open.
    await expect(openKey([btoa('x'.repeat(32))], 'fresh', sealed, t + OPENED_KEY_TTL_MS + 3)).rejects.toThrow();
  });

  it('never serves a changed key (store set) or a removed store', async () => {
    const { seen } = mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const keyOfLastCall = () => new Headers(seen.at(-1)?.init?.headers).get('x-api-key');
    await call('/v1/links', { token: ana.accessToken, body: copy('acme', { id: '1' }) });
    expect(keyOfLastCall()).toBe(APPSTLE_KEY);
    await setStore('acme', { apiKey: 'appstle-new-key-9c1e5b7f3a' });
    await call('/v1/links', { token: ana.accessToken, body: copy('acme', { id: '1' }) });
    expect(keyOfLastCall()).toBe('appstle-new-key-9c1e5b7f3a');
    expect((await call('/admin/stores/acme', { method: 'DELETE', headers: ADMIN })).status).toBe(200);
    const gone = await call('/v1/links', { token: ana.accessToken, body: copy('acme', { id: '1' }) });
    expect(gone.json).toEqual({ error: { code: 'unknown-store' } });
    expect(seen).toHaveLength(2);
  });
});

describe('the access-token key', () => {
  it('is imported once per isolate, not on every sign and verify', async () => {
    const claims = { email: 'ana@acme.test', epoch: 0, sid: 'session-1' };
    const now = Math.floor(Date.now() / 1000);
    const first = await signAccessToken(env.TOKEN_SECRET, claims, now);
    expect(await verifyAccessToken(env.TOKEN_SECRET, first)).toEqual(claims);
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const next = await signAccessToken(env.TOKEN_SECRET, claims, now);
    expect(await verifyAccessToken(env.TOKEN_SECRET, next)).toEqual(claims);
    expect(importKey).not.toHaveBeenCalled();
    // A token signed with another secret still fails.
    const forged = await signAccessToken('another-secret-0123456789abcdef0123456789', claims, now);
    expect(await verifyAccessToken(env.TOKEN_SECRET, forged)).toBeUndefined();
  });
});
