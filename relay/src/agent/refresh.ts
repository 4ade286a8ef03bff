/**
 * POST /v1/token: a refresh token rotated on every use. A lost answer may be asked for again once,
 * within a short grace; any other reuse means someone else holds a copy, and ends every session.
 */
import type { Context } from 'hono';
import { z } from '../../../lib/shared/zod';
import { appendAudit, hashPrefix } from '../audit';
import { sha256Hex } from '../crypto';
import { type AppEnv, nowS } from '../env';
import { jsonOf, limitIp, refuse, refuseAudited } from '../http';
import { ACCESS_TTL_S, openGrace, REFRESH_GRACE_S, REFRESH_TTL_S, sealForGrace } from '../tokens';
import { endSessions, newPair, storeRefresh } from './sign-in';

interface RefreshRow {
  email: string;
  sessionId: string | null;
  tokenEpoch: number;
  expiresAt: number;
  usedAt: number | null;
  agentEpoch: number;
  removedAt: string | null;
  endedAt: number | null;
}

export async function refreshTokens(c: Context<AppEnv>) {
  const limit = await limitIp(c, 'token');
  if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
  const body = z.object({ refreshToken: z.string().min(1).max(256) }).safeParse(await jsonOf(c));
  if (!body.success) return refuseAudited(c, 400, 'invalid-request', { action: 'refresh' });
  const token = body.data.refreshToken;
  const hash = await sha256Hex(token);
  const db = c.env.DB;
  const row = await db
    .prepare(
      `SELECT r.email, r.session_id AS sessionId, r.session_epoch AS tokenEpoch, r.expires_at AS expiresAt,
              r.used_at AS usedAt, a.session_epoch AS agentEpoch, a.removed_at AS removedAt, s.ended_at AS endedAt
       FROM refresh_tokens r JOIN agents a ON a.email = r.email LEFT JOIN sessions s ON s.id = r.session_id
       WHERE r.token_hash = ?`,
    )
    .bind(hash)
    .first<RefreshRow>();
  const entry = { action: 'refresh', tokenHash: hashPrefix(hash) };
  if (!row) return refuseAudited(c, 401, 'unauthenticated', entry);
  const who = { ...entry, agent: row.email, ...(row.sessionId ? { sessionId: row.sessionId } : {}) };
  if (row.removedAt) return refuseAudited(c, 401, 'agent-removed', who);
  if (row.tokenEpoch !== row.agentEpoch || row.endedAt !== null || !row.sessionId) {
    return refuseAudited(c, 401, 'session-revoked', who);
  }
  const sid = row.sessionId;

  if (row.usedAt === null) {
    if (row.expiresAt <= nowS()) return refuseAudited(c, 401, 'unauthenticated', who);
    const pair = await newPair(c, row.email, row.agentEpoch, sid);
    const next = await storeRefresh(db, pair.refreshToken, row.email, row.agentEpoch, sid);
    // The new token is stored first (useless until its holder has it); then the old one is spent,
    // leaving the new pair sealed for its grace. A concurrent rotation of the same token loses here
    // and takes the grace below.
    await next.run();
    const spent = await db
      .prepare(
        'UPDATE refresh_tokens SET used_at = ?, successor_hash = ?, successor_sealed = ? WHERE token_hash = ? AND used_at IS NULL',
      )
      .bind(
        nowS(),
        await sha256Hex(pair.refreshToken),
        await sealForGrace(token, { accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
        hash,
      )
      .run();
    if (spent.meta.changes === 1) {
      await db
        .prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?')
        .bind(nowS(), nowS() + REFRESH_TTL_S, sid)
        .run();
      const written = await appendAudit(db, { ...who, outcome: 'refreshed' }).catch(() => undefined);
      // Without its row the answer is withheld; the agent's retry within the grace gets the pair.
      return written === undefined ? refuse(c, 503, 'audit-unavailable') : c.json(pair);
    }
    await db
      .prepare('DELETE FROM refresh_tokens WHERE token_hash = ?')
      .bind(await sha256Hex(pair.refreshToken))
      .run();
  }

  // Presented again. Once, within the grace, and only while the token that replaced it is unused
  // (it is the immediately previous one), a lost answer is answered again with the same pair.
  const grace = await db
    .prepare(
      `UPDATE refresh_tokens SET grace_used_at = ?
       WHERE token_hash = ? AND grace_used_at IS NULL AND successor_sealed IS NOT NULL AND used_at >= ?
         AND NOT EXISTS (SELECT 1 FROM refresh_tokens n
                         WHERE n.token_hash = refresh_tokens.successor_hash AND n.used_at IS NOT NULL)
       RETURNING successor_sealed AS sealed, used_at AS usedAt`,
    )
    .bind(nowS(), hash, nowS() - REFRESH_GRACE_S)
    .first<{ sealed: string; usedAt: number }>();
  if (grace) {
    await db.batch([
      db.prepare('UPDATE refresh_tokens SET successor_sealed = NULL WHERE token_hash = ?').bind(hash),
      db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').bind(nowS(), sid),
    ]);
    const pair = (await openGrace(token, grace.sealed)) as { accessToken: string; refreshToken: string };
    const written = await appendAudit(db, { ...who, outcome: 'refreshed-again' }).catch(() => undefined);
    if (written === undefined) return refuse(c, 503, 'audit-unavailable');
    const expiresIn = Math.max(1, ACCESS_TTL_S - (nowS() - grace.usedAt));
    return c.json({ agent: { email: row.email }, ...pair, expiresIn });
  }
  // Any other reuse means someone else holds a copy: end every session of the agent.
  await endSessions(db, row.email);
  await appendAudit(db, { ...who, outcome: 'replay-revoked' }).catch(() => undefined);
  return refuse(c, 401, 'session-revoked');
}
