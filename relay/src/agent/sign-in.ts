/** Signing in with a one-time enrollment code, signing out, and ending every session of an agent. */
import type { Context } from 'hono';
import { z } from '../../../lib/shared/zod';
import { appendAudit, hashPrefix } from '../audit';
import { normaliseCode, sha256Hex } from '../crypto';
import { type AppEnv, nowS } from '../env';
import { jsonOf, limitIp, refuse, refuseAudited } from '../http';
import {
  ACCESS_TTL_S,
  newRefreshToken,
  newSessionId,
  REFRESH_GRACE_S,
  REFRESH_TTL_S,
  signAccessToken,
  verifyAccessToken,
} from '../tokens';

/** A new pair for a session; its refresh token is stored by the caller (hashed). */
export async function newPair(c: Context<AppEnv>, email: string, epoch: number, sid: string) {
  const refreshToken = newRefreshToken();
  const accessToken = await signAccessToken(c.env.TOKEN_SECRET, { email, epoch, sid }, nowS());
  return { agent: { email }, accessToken, refreshToken, expiresIn: ACCESS_TTL_S };
}

export const storeRefresh = async (db: D1Database, token: string, email: string, epoch: number, sid: string) =>
  db
    .prepare(
      'INSERT INTO refresh_tokens (token_hash, email, session_epoch, expires_at, session_id) VALUES (?, ?, ?, ?, ?)',
    )
    .bind(await sha256Hex(token), email, epoch, nowS() + REFRESH_TTL_S, sid);

/** Ends every session of an agent: older access tokens fail the epoch check, refresh tokens are spent. */
export async function endSessions(db: D1Database, email: string) {
  await db.batch([
    db.prepare('UPDATE agents SET session_epoch = session_epoch + 1 WHERE email = ?').bind(email),
    db
      .prepare('UPDATE refresh_tokens SET used_at = COALESCE(used_at, ?), successor_sealed = NULL WHERE email = ?')
      .bind(nowS(), email),
    db.prepare('UPDATE sessions SET ended_at = ? WHERE email = ? AND ended_at IS NULL').bind(nowS(), email),
  ]);
}

/** POST /v1/enroll */
export async function enroll(c: Context<AppEnv>) {
  const limit = await limitIp(c, 'enroll');
  if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
  const body = z.object({ code: z.string().min(1).max(64) }).safeParse(await jsonOf(c));
  if (!body.success) return refuseAudited(c, 400, 'invalid-request', { action: 'enroll' });
  // Single use, atomically: the first request to spend the code wins, a replay finds it used.
  const spent = await c.env.DB.prepare(
    `UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING email`,
  )
    .bind(nowS(), await sha256Hex(normaliseCode(body.data.code)), nowS())
    .first<{ email: string }>();
  if (!spent) return refuseAudited(c, 401, 'invalid-code', { action: 'enroll' });
  const agent = await c.env.DB.prepare('SELECT session_epoch, removed_at FROM agents WHERE email = ?')
    .bind(spent.email)
    .first<{ session_epoch: number; removed_at: string | null }>();
  if (!agent || agent.removed_at) {
    return refuseAudited(c, 401, 'agent-removed', { action: 'enroll', agent: spent.email });
  }
  const sid = newSessionId();
  const pair = await newPair(c, spent.email, agent.session_epoch, sid);
  try {
    await appendAudit(c.env.DB, { action: 'enroll', agent: spent.email, sessionId: sid, outcome: 'signed-in' });
  } catch {
    return refuse(c, 503, 'audit-unavailable');
  }
  const db = c.env.DB;
  await db.batch([
    db
      .prepare('INSERT INTO sessions (id, email, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .bind(sid, spent.email, nowS(), nowS(), nowS() + REFRESH_TTL_S),
    await storeRefresh(db, pair.refreshToken, spent.email, agent.session_epoch, sid),
  ]);
  return c.json(pair);
}

/** POST /v1/signout */
export async function signOut(c: Context<AppEnv>) {
  const limit = await limitIp(c, 'token');
  if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
  const body = z.object({ refreshToken: z.string().min(1).max(256) }).safeParse(await jsonOf(c));
  if (!body.success) return refuseAudited(c, 400, 'invalid-request', { action: 'signout' });
  const hash = await sha256Hex(body.data.refreshToken);
  const row = await c.env.DB.prepare(
    'SELECT email, session_id AS sessionId, used_at AS usedAt FROM refresh_tokens WHERE token_hash = ?',
  )
    .bind(hash)
    .first<{ email: string; sessionId: string | null; usedAt: number | null }>();
  const entry = {
    action: 'signout',
    tokenHash: hashPrefix(hash),
    agent: row?.email,
    sessionId: row?.sessionId ?? undefined,
  };
  // The refresh token proves the session (the current one, or the one just rotated within its grace),
  // so an access token that has expired meanwhile does not keep a session alive.
  if (!row?.sessionId || (row.usedAt !== null && row.usedAt < nowS() - REFRESH_GRACE_S)) {
    return refuseAudited(c, 401, 'unauthenticated', entry);
  }
  const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  const claims = bearer ? await verifyAccessToken(c.env.TOKEN_SECRET, bearer) : undefined;
  if (claims && claims.sid !== row.sessionId) return refuseAudited(c, 400, 'invalid-request', entry);
  const db = c.env.DB;
  await db.batch([
    db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL').bind(nowS(), row.sessionId),
    db.prepare('UPDATE refresh_tokens SET successor_sealed = NULL WHERE session_id = ?').bind(row.sessionId),
  ]);
  await appendAudit(db, { ...entry, outcome: 'signed-out' }).catch(() => undefined);
  return c.json({ signedOut: true });
}
