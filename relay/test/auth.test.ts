import { env } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/crypto';
import { ADMIN, addAgent, audit, call, mockProvider, setStore, signIn } from './helpers';

const secret = new TextEncoder().encode(env.TOKEN_SECRET);
async function token(claims: Record<string, unknown>, key = secret, alg = 'HS256') {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ epoch: 0, ...claims })
    .setProtectedHeader({ alg })
    .setSubject('ana@acme.test')
    .setAudience('portal-link-relay')
    .setIssuer('portal-link-relay')
    .setJti('j1')
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(key);
}

describe('access tokens', () => {
  it('refuses a request with no token, a malformed one, an expired, a forged, an alg=none and a wrong-audience one', async () => {
    const ana = await signIn('ana@acme.test');
    const sid = JSON.parse(atob(ana.accessToken.split('.')[1] ?? '')).sid;
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ epoch: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ana@acme.test')
      .setAudience('portal-link-relay')
      .setIssuer('portal-link-relay')
      .setJti('j2')
      .setIssuedAt(now - 1200)
      .setExpirationTime(now - 600)
      .sign(secret);
    const forged = await token({}, new TextEncoder().encode('another-secret-that-is-long-enough-0123456789'));
    const header = btoa(JSON.stringify({ alg: 'none', typ: 'JWT' })).replace(/=+$/, '');
    const body = btoa(
      JSON.stringify({
        sub: 'ana@acme.test',
        aud: 'portal-link-relay',
        iss: 'portal-link-relay',
        epoch: 0,
        jti: 'x',
        iat: now,
        exp: now + 600,
      }),
    ).replace(/=+$/, '');
    const none = `${header}.${body}.`;
    const wrongAudience = await new SignJWT({ epoch: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ana@acme.test')
      .setAudience('some-other-service')
      .setIssuer('portal-link-relay')
      .setJti('j3')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(secret);
    // Too long-lived: a token minted with a 1-day expiry is refused even though it is signed.
    const longLived = await new SignJWT({ epoch: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ana@acme.test')
      .setAudience('portal-link-relay')
      .setIssuer('portal-link-relay')
      .setJti('j4')
      .setIssuedAt(now - 3600)
      .setExpirationTime(now + 86_400)
      .sign(secret);

    const bad = [undefined, 'not-a-jwt', expired, forged, none, wrongAudience, longLived, await token({})];
    for (const [i, t] of bad.entries()) {
      // One client address each: failures from one address are limited (tested on their own).
      const stores = await call('/v1/stores', { token: t, ip: `192.0.2.${i}` });
      expect(stores.status, String(t)).toBe(401);
      expect(stores.json).toEqual({ error: { code: 'unauthenticated' } });
    }
    // A well-formed token for the agent's session is accepted, so the refusals above were about the token
    // (the last one above names no session).
    expect((await call('/v1/stores', { token: await token({ sid }) })).status).toBe(200);
  });

  it('audits a link request refused for its token, with the token hash prefix and never the token', async () => {
    const { spy } = mockProvider();
    await setStore('acme');
    const forged = await token({}, new TextEncoder().encode('another-secret-that-is-long-enough-0123456789'));
    const r = await call('/v1/links', {
      token: forged,
      body: { storeId: 'acme', customer: { email: 'c@x.test' }, action: 'copy' },
    });
    expect(r.status).toBe(401);
    expect(spy).not.toHaveBeenCalled();
    const rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ agent: null, store: 'acme', customer: 'c@x.test', outcome: 'unauthenticated' });
    expect(rows[0]?.tokenHash).toBe((await sha256Hex(forged)).slice(0, 12));
  });
});

describe('enrollment codes', () => {
  it('are single-use: the replay of a spent code is refused', async () => {
    const code = await addAgent('ana@acme.test');
    const first = await call('/v1/enroll', { body: { code } });
    expect(first.status).toBe(200);
    expect(first.json.agent).toEqual({ email: 'ana@acme.test' });
    expect(first.json.expiresIn).toBeLessThanOrEqual(600);
    const replay = await call('/v1/enroll', { body: { code } });
    expect(replay.status).toBe(401);
    expect(replay.json).toEqual({ error: { code: 'invalid-code' } });
  });

  it('are typed by agents: case and dashes do not matter, a wrong code is refused', async () => {
    const code = await addAgent('ana@acme.test');
    expect((await call('/v1/enroll', { body: { code: 'AAAA-BBBB-CCCC-DDDD' } })).status).toBe(401);
    expect((await call('/v1/enroll', { body: { code: code.replaceAll('-', '').toLowerCase() } })).status).toBe(200);
  });

  it('expire after 24 hours and are stored only as a hash', async () => {
    const code = await addAgent('ana@acme.test');
    const { results } = await env.DB.prepare('SELECT code_hash, expires_at FROM enrollment_codes').all<{
      code_hash: string;
      expires_at: number;
    }>();
    expect(results).toHaveLength(1);
    expect(results[0]?.code_hash).not.toContain(code.replaceAll('-', ''));
    const lifetime = (results[0]?.expires_at ?? 0) - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(24 * 3600 - 60);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600);
    await env.DB.prepare('UPDATE enrollment_codes SET expires_at = ?')
      .bind(Math.floor(Date.now() / 1000) - 1)
      .run();
    expect((await call('/v1/enroll', { body: { code } })).json).toEqual({ error: { code: 'invalid-code' } });
  });

  it('a new code replaces the unused one; a removed agent cannot enroll', async () => {
    const old = await addAgent('ana@acme.test');
    const fresh = await addAgent('ana@acme.test');
    expect((await call('/v1/enroll', { body: { code: old } })).status).toBe(401);
    await call('/admin/agents/ana@acme.test', { method: 'DELETE', headers: ADMIN });
    expect((await call('/v1/enroll', { body: { code: fresh } })).status).toBe(401);
  });

  it('are limited per client IP (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await call('/v1/enroll', { body: { code: `WRONG-${i}` }, ip: '198.51.100.7' })).status);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    const limited = await call('/v1/enroll', { body: { code: 'WRONG' }, ip: '198.51.100.7' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await call('/v1/enroll', { body: { code: 'WRONG' }, ip: '198.51.100.8' })).status).toBe(401);
  });
});

describe('refresh tokens', () => {
  it('rotate: each use returns a new pair and spends the old refresh token', async () => {
    const first = await signIn('ana@acme.test');
    const second = await call('/v1/token', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.json.refreshToken).not.toBe(first.refreshToken);
    expect((await call('/v1/stores', { token: second.json.accessToken })).status).toBe(200);
    const third = await call('/v1/token', { body: { refreshToken: second.json.refreshToken } });
    expect(third.status).toBe(200);
    const { results } = await env.DB.prepare('SELECT token_hash FROM refresh_tokens').all<{ token_hash: string }>();
    expect(results.map((r) => r.token_hash)).not.toContain(first.refreshToken);
  });

  it('reuse of a spent one ends every session of that agent, and only that agent', async () => {
    const ana = await signIn('ana@acme.test');
    const bob = await signIn('bob@acme.test');
    const rotated = await call('/v1/token', { body: { refreshToken: ana.refreshToken } });
    expect(rotated.status).toBe(200);
    // Someone replays the stolen, already-spent token (after the one grace a lost answer gets).
    await env.DB.prepare('UPDATE refresh_tokens SET used_at = used_at - 61 WHERE used_at IS NOT NULL').run();
    const replay = await call('/v1/token', { body: { refreshToken: ana.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.json).toEqual({ error: { code: 'session-revoked' } });
    // The legitimate holder's newer tokens die too: both access and refresh.
    expect((await call('/v1/stores', { token: rotated.json.accessToken })).json).toEqual({
      error: { code: 'session-revoked' },
    });
    expect((await call('/v1/token', { body: { refreshToken: rotated.json.refreshToken } })).status).toBe(401);
    expect((await call('/v1/stores', { token: ana.accessToken })).status).toBe(401);
    // Bob is untouched.
    expect((await call('/v1/stores', { token: bob.accessToken })).status).toBe(200);
    // Ana can sign in again with a new code.
    const again = await signIn('ana@acme.test');
    expect((await call('/v1/stores', { token: again.accessToken })).status).toBe(200);
  });

  it('an unknown or expired refresh token is refused', async () => {
    const ana = await signIn('ana@acme.test');
    expect((await call('/v1/token', { body: { refreshToken: 'plr_unknown' } })).status).toBe(401);
    await env.DB.prepare('UPDATE refresh_tokens SET expires_at = 1').run();
    expect((await call('/v1/token', { body: { refreshToken: ana.refreshToken } })).status).toBe(401);
  });
});

describe('removed agents', () => {
  it('are refused on their next request though their token has not expired, and the refusal is audited', async () => {
    const { spy } = mockProvider();
    await setStore('acme');
    const ana = await signIn('ana@acme.test');
    const link = { storeId: 'acme', customer: { id: '123' }, action: 'copy' };
    expect((await call('/v1/links', { token: ana.accessToken, body: link })).status).toBe(200);
    expect((await call('/admin/agents/ana@acme.test', { method: 'DELETE', headers: ADMIN })).status).toBe(200);
    const refused = await call('/v1/links', { token: ana.accessToken, body: link });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ error: { code: 'agent-removed' } });
    expect(spy).toHaveBeenCalledTimes(1);
    expect((await call('/v1/token', { body: { refreshToken: ana.refreshToken } })).status).toBe(401);
    expect((await audit()).map((r) => [r.agent, r.outcome])).toEqual([
      ['ana@acme.test', 'allowed'],
      ['ana@acme.test', 'agent-removed'],
    ]);
  });
});
