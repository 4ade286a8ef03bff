import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { ADMIN, audit, auditAll, call, mockProvider, setStore, signIn } from './helpers';

const LINK = { storeId: 'acme', customer: { email: 'carla@example.com' }, action: 'copy' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('refresh after a lost response (grace)', () => {
  it('a refresh token presented again 1 s after its rotation returns the same new pair, once', async () => {
    const first = await signIn('ana@acme.test');
    const rotated = await call('/v1/token', { body: { refreshToken: first.refreshToken } });
    expect(rotated.status).toBe(200);
    await sleep(1000); // the answer was lost; the extension tries again with the token it still holds
    const again = await call('/v1/token', { body: { refreshToken: first.refreshToken } });
    expect(again.status).toBe(200);
    expect(again.json.accessToken).toBe(rotated.json.accessToken);
    expect(again.json.refreshToken).toBe(rotated.json.refreshToken);
    expect(again.json.expiresIn).toBeLessThanOrEqual(rotated.json.expiresIn);
    expect((await call('/v1/stores', { token: again.json.accessToken })).status).toBe(200);
    // Once: a third presentation is a replay, and it ends every session of the agent.
    const third = await call('/v1/token', { body: { refreshToken: first.refreshToken } });
    expect(third.json).toEqual({ error: { code: 'session-revoked' } });
    expect((await call('/v1/stores', { token: rotated.json.accessToken })).json).toEqual({
      error: { code: 'session-revoked' },
    });
    expect((await call('/v1/token', { body: { refreshToken: rotated.json.refreshToken } })).status).toBe(401);
  });

  it('two refreshes at once with the same token both get the same pair, and nothing is revoked', async () => {
    const first = await signIn('ana@acme.test');
    const [a, b] = await Promise.all([
      call('/v1/token', { body: { refreshToken: first.refreshToken } }),
      call('/v1/token', { body: { refreshToken: first.refreshToken } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.refreshToken).toBe(b.json.refreshToken);
    expect((await call('/v1/token', { body: { refreshToken: a.json.refreshToken } })).status).toBe(200);
  });

  it('reuse after 60 s, or after the new token was itself used, ends every session', async () => {
    const late = await signIn('ana@acme.test');
    const rotated = await call('/v1/token', { body: { refreshToken: late.refreshToken } });
    await env.DB.prepare('UPDATE refresh_tokens SET used_at = used_at - 61 WHERE used_at IS NOT NULL').run();
    expect((await call('/v1/token', { body: { refreshToken: late.refreshToken } })).json).toEqual({
      error: { code: 'session-revoked' },
    });
    expect((await call('/v1/stores', { token: rotated.json.accessToken })).status).toBe(401);

    const bob = await signIn('bob@acme.test');
    const second = await call('/v1/token', { body: { refreshToken: bob.refreshToken } });
    const third = await call('/v1/token', { body: { refreshToken: second.json.refreshToken } });
    expect(third.status).toBe(200);
    // The first token's successor has been spent: the first is no longer "the one just before".
    expect((await call('/v1/token', { body: { refreshToken: bob.refreshToken } })).status).toBe(401);
    expect((await call('/v1/stores', { token: third.json.accessToken })).status).toBe(401);
  });

  it('keeps the new pair only sealed, and not after its grace was used', async () => {
    const first = await signIn('ana@acme.test');
    const rotated = await call('/v1/token', { body: { refreshToken: first.refreshToken } });
    const dump = async () => JSON.stringify((await env.DB.prepare('SELECT * FROM refresh_tokens').all()).results);
    const before = await dump();
    expect(before).not.toContain(rotated.json.refreshToken);
    expect(before).not.toContain(rotated.json.accessToken);
    await call('/v1/token', { body: { refreshToken: first.refreshToken } });
    const { results } = await env.DB.prepare('SELECT successor_sealed FROM refresh_tokens').all();
    expect(results.map((r) => r.successor_sealed)).toEqual([null, null]);
  });
});

describe('a removed agent', () => {
  it('is refused the store list with agent-removed, and that refusal is an audit row', async () => {
    const ana = await signIn('ana@acme.test');
    await call('/admin/agents/ana@acme.test', { method: 'DELETE', headers: ADMIN });
    const r = await call('/v1/stores', { token: ana.accessToken });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: { code: 'agent-removed' } });
    expect((await auditAll()).filter((row) => row.action === 'stores')).toMatchObject([
      { agent: 'ana@acme.test', outcome: 'agent-removed' },
    ]);
  });
});

describe('sign-out', () => {
  it('ends that session at once: its access and refresh tokens are refused, other sessions go on', async () => {
    const one = await signIn('ana@acme.test');
    const two = await signIn('ana@acme.test');
    const out = await call('/v1/signout', { token: one.accessToken, body: { refreshToken: one.refreshToken } });
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ signedOut: true });
    expect((await call('/v1/stores', { token: one.accessToken })).json).toEqual({
      error: { code: 'session-revoked' },
    });
    expect((await call('/v1/token', { body: { refreshToken: one.refreshToken } })).json).toEqual({
      error: { code: 'session-revoked' },
    });
    expect((await call('/v1/stores', { token: two.accessToken })).status).toBe(200);
    expect((await call('/v1/token', { body: { refreshToken: two.refreshToken } })).status).toBe(200);
  });

  it('needs a live refresh token of the session; an access token of another session is refused', async () => {
    const one = await signIn('ana@acme.test');
    const bob = await signIn('bob@acme.test');
    const mixed = await call('/v1/signout', { token: one.accessToken, body: { refreshToken: bob.refreshToken } });
    expect(mixed.status).toBe(400);
    expect((await call('/v1/signout', { token: one.accessToken, body: { refreshToken: 'plr_x' } })).status).toBe(401);
    expect((await call('/v1/stores', { token: bob.accessToken })).status).toBe(200);
    expect((await call('/v1/stores', { token: one.accessToken })).status).toBe(200);
    // An access token that expired meanwhile does not keep the session alive: the refresh token proves it.
    const out = await call('/v1/signout', { token: 'expired.jwt.x', body: { refreshToken: one.refreshToken } });
    expect(out.json).toEqual({ signedOut: true });
    expect((await call('/v1/stores', { token: one.accessToken })).status).toBe(401);
  });
});

describe('admin: agent list and store remove', () => {
  it('lists agents with their stores, last seen and active sessions', async () => {
    const one = await signIn('ana@acme.test', ['acme']);
    await signIn('ana@acme.test');
    await signIn('bob@acme.test');
    await call('/v1/signout', { token: one.accessToken, body: { refreshToken: one.refreshToken } });
    await call('/admin/agents/bob@acme.test', { method: 'DELETE', headers: ADMIN });
    const r = await call('/admin/agents', { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.json.agents).toMatchObject([
      { email: 'ana@acme.test', stores: ['acme'], removed: false, activeSessions: 1 },
      { email: 'bob@acme.test', stores: null, removed: true, activeSessions: 0 },
    ]);
    expect(Date.now() - Date.parse(r.json.agents[0].lastSeen)).toBeLessThan(60_000);
    expect(r.text).not.toMatch(/plr_|eyJ/);
  });

  it('removes a store: gone from the list, its links refused', async () => {
    mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const removed = await call('/admin/stores/acme', { method: 'DELETE', headers: ADMIN });
    expect(removed.json).toEqual({ removed: 'acme' });
    expect((await call('/v1/stores', { token: ana.accessToken })).json.stores).toEqual([]);
    expect((await call('/v1/links', { token: ana.accessToken, body: LINK })).json).toEqual({
      error: { code: 'unknown-store' },
    });
    expect((await call('/admin/stores/acme', { method: 'DELETE', headers: ADMIN })).status).toBe(404);
  });
});

/** The Worker with other vars than the test config's, at a given address. */
async function linkWith(vars: Record<string, string>, origin: string, token: string) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${origin}/v1/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'cf-connecting-ip': '::1' },
      body: JSON.stringify(LINK),
    }),
    { ...env, ...vars },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('provider base-URL overrides', () => {
  it('a deployed relay with one set refuses to serve links, says why, and calls nobody', async () => {
    const { seen } = mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const cases: Record<string, string>[] = [
      { APPSTLE_API_BASE: 'https://mock.example.test' },
      { APPSTLE_API_BASE: 'https://mock.example.test', RELAY_DEV: '1' }, // dev flag, but not on loopback
      { GIGSTACK_API_BASE: 'https://mock.example.test' },
    ];
    for (const vars of cases) {
      const r = await linkWith(vars, 'https://relay.example.test', ana.accessToken);
      expect(r.status).toBe(503);
      expect(r.json).toEqual({ error: { code: 'provider-override-not-allowed' } });
    }
    expect(seen).toEqual([]);
    expect((await audit()).map((row) => row.outcome)).toEqual(Array(3).fill('provider-override-not-allowed'));
  });

  it('are honoured under relay:dev on loopback', async () => {
    const { seen } = mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const vars = { APPSTLE_API_BASE: 'http://127.0.0.1:9', RELAY_DEV: '1' };
    const r = await linkWith(vars, 'http://127.0.0.1:8787', ana.accessToken);
    expect(r.status).toBe(200);
    expect(seen.map((s) => s.url.host)).toEqual(['127.0.0.1:9']);
    // Without the dev flag, the same loopback address is not enough.
    const plain = await linkWith({ APPSTLE_API_BASE: 'http://127.0.0.1:9' }, 'http://127.0.0.1:8787', ana.accessToken);
    expect(plain.status).toBe(503);
  });
});

describe('the audit sees sign-ins and refuses floods', () => {
  it('enrollments and refreshes are rows: success, failure and replay-revocation', async () => {
    const ana = await signIn('ana@acme.test');
    await call('/v1/enroll', { body: { code: 'AAAA-BBBB-CCCC-DDDD' } });
    const rotated = await call('/v1/token', { body: { refreshToken: ana.refreshToken } });
    await call('/v1/token', { body: { refreshToken: 'plr_unknown' } });
    await call('/v1/token', { body: { refreshToken: ana.refreshToken } }); // grace
    await call('/v1/token', { body: { refreshToken: ana.refreshToken } }); // replay
    await call('/v1/token', { body: { refreshToken: rotated.json.refreshToken } });
    const rows = await auditAll();
    expect(rows.map((r) => [r.action, r.agent, r.outcome])).toEqual([
      ['enroll', 'ana@acme.test', 'signed-in'],
      ['enroll', null, 'invalid-code'],
      ['refresh', 'ana@acme.test', 'refreshed'],
      ['refresh', null, 'unauthenticated'],
      ['refresh', 'ana@acme.test', 'refreshed-again'],
      ['refresh', 'ana@acme.test', 'replay-revoked'],
      ['refresh', 'ana@acme.test', 'session-revoked'],
    ]);
    const session = rows[0]?.sessionId;
    expect(session).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(rows.filter((r) => r.agent).map((r) => r.sessionId)).toEqual(Array(5).fill(session));
    expect(JSON.stringify(rows)).not.toContain(ana.refreshToken);
  });

  it('rows carry a per-session id, the same across access tokens, different between sessions', async () => {
    mockProvider();
    await setStore('acme');
    const one = await signIn('ana@acme.test');
    const two = await signIn('ana@acme.test');
    await call('/v1/links', { token: one.accessToken, body: LINK });
    const rotated = await call('/v1/token', { body: { refreshToken: one.refreshToken } });
    await call('/v1/links', { token: rotated.json.accessToken, body: LINK });
    await call('/v1/links', { token: two.accessToken, body: LINK });
    const [a, b, c] = await audit();
    expect(a?.tokenHash).not.toBe(b?.tokenHash);
    expect(a?.sessionId).toBeTruthy();
    expect(b?.sessionId).toBe(a?.sessionId);
    expect(c?.sessionId).not.toBe(a?.sessionId);
  });

  it('unauthenticated /v1/links, /v1/stores and /admin/* are limited per client IP before anything is written', async () => {
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const before = (await auditAll()).length;
    const links = [];
    for (let i = 0; i < 7; i++)
      links.push(await call('/v1/links', { token: 'forged', body: LINK, ip: '198.51.100.1' }));
    expect(links.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 429]); // IP_LIMIT_PER_MINUTE=6
    expect(Number(links[6]?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call('/v1/stores', { ip: '198.51.100.1' })).status).toBe(429);
    expect((await auditAll()).length - before).toBe(6);
    // A signed-in agent behind the same address is not limited by someone else's failures.
    expect((await call('/v1/stores', { token: ana.accessToken, ip: '198.51.100.1' })).status).toBe(200);

    const stores = [];
    for (let i = 0; i < 7; i++) stores.push((await call('/v1/stores', { ip: '198.51.100.2' })).status);
    expect(stores).toEqual([401, 401, 401, 401, 401, 401, 429]);

    const admin = [];
    for (let i = 0; i < 7; i++)
      admin.push((await call('/admin/audit', { ip: '198.51.100.3', headers: { authorization: 'Bearer x' } })).status);
    expect(admin).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect((await call('/admin/agents', { headers: { ...ADMIN }, ip: '198.51.100.4' })).status).toBe(200);
  });
});
