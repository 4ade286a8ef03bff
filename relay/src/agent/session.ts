/**
 * Who is asking: a request's bearer token checked (signature, audience, issuer, expiry), then its
 * agent and session checked against D1 on every request, so removing an agent or ending a session
 * takes effect at once.
 */
import type { Context } from 'hono';
import { type AgentContext, type AppEnv, nowS } from '../env';
import { type AccessClaims, tokenHashPrefix, verifyAccessToken } from '../tokens';

export type Auth =
  | { ok: true; agent: AgentContext }
  | { ok: false; code: string; email?: string; tokenHash?: string; sessionId?: string };

export type Bearer =
  | { ok: true; claims: AccessClaims; tokenHash: string }
  | { ok: false; code: string; tokenHash?: string };

/** The bearer token's claims, checked without the database (signature, audience, issuer, expiry). */
export async function bearer(c: Context<AppEnv>): Promise<Bearer> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9._-]{1,2048})$/.exec(header);
  if (!match?.[1]) return { ok: false, code: 'unauthenticated' };
  const token = match[1];
  const [tokenHash, claims] = await Promise.all([tokenHashPrefix(token), verifyAccessToken(c.env.TOKEN_SECRET, token)]);
  return claims ? { ok: true, claims, tokenHash } : { ok: false, code: 'unauthenticated', tokenHash };
}

export interface SessionRow {
  stores: string | null;
  removedAt: string | null;
  epoch: number;
  sid: string | null;
  endedAt: number | null;
}

/**
 * What checks a verified token against D1, for the caller's batch: the agent and session, then
 * "last seen", kept to the minute (most requests change nothing there) and only for a session that passes.
 */
export function sessionStatements(db: D1Database, claims: AccessClaims): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `SELECT a.stores, a.removed_at AS removedAt, a.session_epoch AS epoch, s.id AS sid, s.ended_at AS endedAt
         FROM agents a LEFT JOIN sessions s ON s.id = ? AND s.email = a.email WHERE a.email = ?`,
      )
      .bind(claims.sid, claims.email),
    db
      .prepare(
        `UPDATE sessions SET last_seen_at = ?1
         WHERE id = ?2 AND email = ?3 AND ended_at IS NULL AND last_seen_at < ?1 - 60
           AND EXISTS (SELECT 1 FROM agents WHERE email = ?3 AND removed_at IS NULL AND session_epoch = ?4)`,
      )
      .bind(nowS(), claims.sid, claims.email, claims.epoch),
  ];
}

export function sessionVerdict(claims: AccessClaims, tokenHash: string, agent: SessionRow | undefined): Auth {
  const failed = { email: claims.email, tokenHash, sessionId: claims.sid };
  if (!agent || agent.removedAt) return { ok: false, code: 'agent-removed', ...failed };
  if (agent.epoch !== claims.epoch || !agent.sid || agent.endedAt !== null) {
    return { ok: false, code: 'session-revoked', ...failed };
  }
  const stores = agent.stores ? (JSON.parse(agent.stores) as string[]) : undefined;
  return { ok: true, agent: { email: claims.email, stores, tokenHash, sessionId: claims.sid } };
}

export async function authenticate(c: Context<AppEnv>): Promise<Auth> {
  const token = await bearer(c);
  if (!token.ok) return token;
  const [found] = await c.env.DB.batch(sessionStatements(c.env.DB, token.claims));
  return sessionVerdict(token.claims, token.tokenHash, found?.results[0] as SessionRow | undefined);
}

/** Who the request is (or, refused, claimed to be), for its audit row. */
export const whoAsked = (auth: Auth) =>
  auth.ok
    ? { agent: auth.agent.email, tokenHash: auth.agent.tokenHash, sessionId: auth.agent.sessionId }
    : { agent: auth.email, tokenHash: auth.tokenHash, sessionId: auth.sessionId };
