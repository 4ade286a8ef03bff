import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { openKey, sealKey } from '../src/crypto';
import { resealKeys } from '../src/stores';
import { ADMIN, APPSTLE_KEY, audit, call, mockProvider, setStore, signIn } from './helpers';

// Times in the future: the limiter's clean-up alarm drops windows that are over by the real clock.
const TOMORROW = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000;
const DAY = [
  { windowS: 60, max: 5 },
  { windowS: 86_400, max: 8 },
];

describe('the per-agent limiter (Durable Object)', () => {
  it('counts a day across minutes and answers with the time left in the day', async () => {
    const limiter = env.LIMITER.get(env.LIMITER.idFromName('agent:day@acme.test'));
    const start = TOMORROW + 10 * 3_600_000;
    const verdicts = [];
    for (let i = 0; i < 9; i++) verdicts.push(await limiter.take(DAY, start + i * 61_000)); // one per minute
    expect(verdicts.slice(0, 8).every((v) => v.ok)).toBe(true);
    const ninth = verdicts[8];
    expect(ninth?.ok).toBe(false);
    // The ninth asks at 10:08:08; the day ends at midnight UTC, 13 h 51 min 52 s later.
    expect(ninth && !ninth.ok && ninth.retryAfterS).toBe(13 * 3600 + 51 * 60 + 52);
    // The next UTC day starts fresh.
    expect((await limiter.take(DAY, TOMORROW + 86_400_000 + 1000)).ok).toBe(true);
  });

  it('counts a refused request against nothing (a limited agent does not dig deeper)', async () => {
    const limiter = env.LIMITER.get(env.LIMITER.idFromName('agent:min@acme.test'));
    const t = TOMORROW + 10 * 3_600_000;
    for (let i = 0; i < 5; i++) expect((await limiter.take(DAY, t + i)).ok).toBe(true);
    for (let i = 0; i < 3; i++) expect((await limiter.take(DAY, t + 10 + i)).ok).toBe(false);
    // Next minute: 3 more fit the day (5 + 3 = 8) although 3 were refused meanwhile.
    for (let i = 0; i < 3; i++) expect((await limiter.take(DAY, t + 60_000 + i)).ok).toBe(true);
    expect((await limiter.take(DAY, t + 60_100)).ok).toBe(false);
  });
});

describe('provider keys', () => {
  it('are stored encrypted (AES-GCM), bound to their store, and never returned', async () => {
    const r = await setStore('acme');
    expect(r.text).not.toContain(APPSTLE_KEY);
    const row = await env.DB.prepare('SELECT * FROM stores WHERE id = ?').bind('acme').first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(APPSTLE_KEY);
    const sealed = { iv: row?.key_iv ?? '', ciphertext: row?.key_ciphertext ?? '' };
    expect(await openKey([env.KEYS_SECRET], 'acme', sealed)).toBe(APPSTLE_KEY);
    // The same ciphertext pasted into another store's row does not open.
    await expect(openKey([env.KEYS_SECRET], 'other', sealed)).rejects.toThrow();
    for (const path of ['/admin/stores'])
      expect((await call(path, { headers: ADMIN })).text).not.toContain(APPSTLE_KEY);
    const ana = await signIn('ana@acme.test');
    const stores = await call('/v1/stores', { token: ana.accessToken });
    expect(stores.json.stores).toEqual([
      { id: 'acme', name: 'Acme', provider: 'appstle', helpdeskHosts: ['acme.zendesk.com'] },
    ]);
  });

  it('still open under the previous secret while it is being rotated', async () => {
    const previous = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
    const sealed = await sealKey(previous, 'acme', 'old-key');
    expect(await openKey([env.KEYS_SECRET, previous], 'acme', sealed)).toBe('old-key');
    await expect(openKey([env.KEYS_SECRET], 'acme', sealed)).rejects.toThrow();
  });

  it('are re-sealed under a new KEYS_SECRET during a rotation, and still open after', async () => {
    const previous = btoa(String.fromCharCode(...new Uint8Array(32).fill(9)));
    const sealed = await sealKey(previous, 'acme', APPSTLE_KEY);
    await setStore('acme');
    await env.DB.prepare('UPDATE stores SET key_iv = ?, key_ciphertext = ? WHERE id = ?')
      .bind(sealed.iv, sealed.ciphertext, 'acme')
      .run();
    // Without the previous secret the old ciphertext does not open: a link request fails closed.
    mockProvider();
    const ana = await signIn('ana@acme.test');
    const body = { storeId: 'acme', customer: { id: '1' }, action: 'copy' };
    const closed = await call('/v1/links', { token: ana.accessToken, body });
    expect(closed.status).toBe(500);
    expect(closed.json).toEqual({ error: { code: 'store-key-unreadable' } });
    const rotating = { ...env, KEYS_SECRET_PREVIOUS: previous };
    expect(await resealKeys(rotating)).toBe(1);
    const row = await env.DB.prepare('SELECT key_iv, key_ciphertext FROM stores').first<Record<string, string>>();
    expect(
      await openKey([env.KEYS_SECRET], 'acme', { iv: row?.key_iv ?? '', ciphertext: row?.key_ciphertext ?? '' }),
    ).toBe(APPSTLE_KEY);
    expect((await call('/v1/links', { token: ana.accessToken, body })).status).toBe(200);
    expect((await audit()).map((r) => r.outcome)).toEqual(['store-key-unreadable', 'allowed']);
  });

  it('a store set without a key, with a bad template or with a helpdesk another store has is refused', async () => {
    await setStore('acme');
    const put = (id: string, body: Record<string, unknown>) =>
      call(`/admin/stores/${id}`, { method: 'PUT', headers: ADMIN, body });
    const base = { name: 'B', provider: 'appstle', helpdeskHosts: ['b.zendesk.com'], apiKey: 'k-123' };
    expect((await put('b', { ...base, apiKey: '' })).status).toBe(400);
    expect((await put('b', { ...base, portalUrlTemplate: 'http://evil.test/{token}' })).status).toBe(400);
    const taken = await put('b', { ...base, helpdeskHosts: ['acme.zendesk.com'] });
    expect(taken.status).toBe(409);
    expect(taken.json).toEqual({ error: { code: 'host-taken', host: 'acme.zendesk.com' } });
    expect((await put('b', base)).status).toBe(200);
  });
});

describe('admin API', () => {
  it('refuses anyone without the admin token, including agents', async () => {
    const ana = await signIn('ana@acme.test');
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${ana.accessToken}` },
    ];
    for (const headers of attempts) {
      expect((await call('/admin/audit', { headers })).status).toBe(401);
      expect((await call('/admin/agents', { headers, body: { email: 'eve@evil.test' } })).status).toBe(401);
    }
  });

  it('exports the audit as CSV (spreadsheet formulas neutralised) and filters by time', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    await call('/v1/links', {
      token: ana.accessToken,
      body: { storeId: 'acme', customer: { email: '=HYPERLINK("x")@evil.test' }, action: 'copy' },
    });
    await call('/v1/links', {
      token: ana.accessToken,
      body: {
        storeId: 'acme',
        customer: { id: '42' },
        action: 'copy',
        context: { helpdeskHost: 'acme.zendesk.com', ticketId: '7' },
      },
    });
    const csv = await call('/admin/audit?format=csv', { headers: ADMIN });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('at,agent,store,customer,action,outcome,helpdeskHost,ticketId,tokenHash,sessionId,client');
    expect(lines).toHaveLength(4); // the sign-in, then the two links
    expect(lines[1]).toMatch(/,ana@acme\.test,,,enroll,signed-in,,,,[\w-]{16},$/);
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")@evil.test"`);
    expect(lines[3]).toMatch(/,ana@acme\.test,acme,42,copy,allowed,acme\.zendesk\.com,7,[0-9a-f]{12},[\w-]{16},$/);
    const future = await call(`/admin/audit?since=${new Date(Date.now() + 60_000).toISOString()}`, { headers: ADMIN });
    expect(future.json.rows).toEqual([]);
    expect((await call('/admin/audit?since=yesterday', { headers: ADMIN })).status).toBe(400);
  });
});
