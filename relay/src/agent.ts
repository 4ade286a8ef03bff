/** The agents' API: sign in with an enrollment code, rotate tokens, list stores, ask for links. */
import { type Context, Hono } from 'hono';
import { providerFor, providerList } from '../../lib/providers/registry';
import { normalizeEmail } from '../../lib/shared/customer';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { z } from '../../lib/shared/zod';
import { type AuditEntry, AuditError, appendAudit, finaliseAudit } from './audit';
import { normaliseCode, sha256Hex } from './crypto';
import { type AgentContext, type AppEnv, intVar, providerOverridesRefused } from './env';
import { jsonOf, limitIp, refuse } from './http';
import type { Verdict } from './limiter';
import { issueLink, relayHttp, sendPortalEmail } from './providers';
import { listStores, openStore, publicStore, type StoreRow, storeQuery } from './stores';
import {
  ACCESS_TTL_S,
  type AccessClaims,
  newRefreshToken,
  newSessionId,
  openGrace,
  REFRESH_GRACE_S,
  REFRESH_TTL_S,
  sealForGrace,
  signAccessToken,
  tokenHashPrefix,
  verifyAccessToken,
} from './tokens';

export const agentRoutes = new Hono<AppEnv>();

type Ctx = Context<AppEnv>;
type Status = 400 | 401 | 403 | 404 | 429 | 500 | 503;
const nowS = () => Math.floor(Date.now() / 1000);

/** A refusal that is also an audit row; if the row cannot be written, says so rather than pretend. */
async function refuseAudited(c: Ctx, status: Status, code: string, entry: Omit<AuditEntry, 'outcome'>) {
  try {
    await appendAudit(c.env.DB, { ...entry, outcome: code });
  } catch {
    return refuse(c, 503, 'audit-unavailable');
  }
  return refuse(c, status, code);
}

/** A new pair for a session; its refresh token is stored by the caller (hashed). */
async function newPair(c: Ctx, email: string, epoch: number, sid: string) {
  const refreshToken = newRefreshToken();
  const accessToken = await signAccessToken(c.env.TOKEN_SECRET, { email, epoch, sid }, nowS());
  return { agent: { email }, accessToken, refreshToken, expiresIn: ACCESS_TTL_S };
}

const storeRefresh = async (db: D1Database, token: string, email: string, epoch: number, sid: string) =>
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

agentRoutes.post('/enroll', async (c) => {
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
});

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

agentRoutes.post('/token', async (c) => {
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
  const entry = { action: 'refresh', tokenHash: hash.slice(0, 12) };
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
});

type Auth =
  | { ok: true; agent: AgentContext }
  | { ok: false; code: string; email?: string; tokenHash?: string; sessionId?: string };

type Bearer = { ok: true; claims: AccessClaims; tokenHash: string } | { ok: false; code: string; tokenHash?: string };

/** The bearer token's claims, checked without the database (signature, audience, issuer, expiry). */
async function bearer(c: Ctx): Promise<Bearer> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9._-]{1,2048})$/.exec(header);
  if (!match?.[1]) return { ok: false, code: 'unauthenticated' };
  const token = match[1];
  const [tokenHash, claims] = await Promise.all([tokenHashPrefix(token), verifyAccessToken(c.env.TOKEN_SECRET, token)]);
  return claims ? { ok: true, claims, tokenHash } : { ok: false, code: 'unauthenticated', tokenHash };
}

interface SessionRow {
  stores: string | null;
  removedAt: string | null;
  epoch: number;
  sid: string | null;
  endedAt: number | null;
}

/**
 * What checks a verified token against D1 on every request (so removing an agent or ending a
 * session takes effect at once), for the caller's batch: the agent and session, then "last seen",
 * kept to the minute (most requests change nothing there) and only for a session that passes.
 */
function sessionStatements(db: D1Database, claims: AccessClaims): D1PreparedStatement[] {
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

function sessionVerdict(claims: AccessClaims, tokenHash: string, agent: SessionRow | undefined): Auth {
  const failed = { email: claims.email, tokenHash, sessionId: claims.sid };
  if (!agent || agent.removedAt) return { ok: false, code: 'agent-removed', ...failed };
  if (agent.epoch !== claims.epoch || !agent.sid || agent.endedAt !== null) {
    return { ok: false, code: 'session-revoked', ...failed };
  }
  const stores = agent.stores ? (JSON.parse(agent.stores) as string[]) : undefined;
  return { ok: true, agent: { email: claims.email, stores, tokenHash, sessionId: claims.sid } };
}

export async function authenticate(c: Ctx): Promise<Auth> {
  const token = await bearer(c);
  if (!token.ok) return token;
  const [found] = await c.env.DB.batch(sessionStatements(c.env.DB, token.claims));
  return sessionVerdict(token.claims, token.tokenHash, found?.results[0] as SessionRow | undefined);
}

/** Who a refused request claimed to be, for its audit row. */
const claimed = (auth: Exclude<Auth, { ok: true }>) => ({
  agent: auth.email,
  tokenHash: auth.tokenHash,
  sessionId: auth.sessionId,
});

agentRoutes.get('/stores', async (c) => {
  const auth = await authenticate(c);
  if (!auth.ok) {
    // Counted per client IP before the row is written, so a flood of bad tokens writes little.
    const limit = await limitIp(c, 'unauthenticated');
    if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
    return refuseAudited(c, 401, auth.code, { action: 'stores', ...claimed(auth) });
  }
  const stores = await listStores(c.env.DB);
  const allowed = auth.agent.stores;
  return c.json({
    agent: { email: auth.agent.email },
    stores: stores.filter((s) => !allowed || allowed.includes(s.id)).map(publicStore),
  });
});

agentRoutes.post('/signout', async (c) => {
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
    tokenHash: hash.slice(0, 12),
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
});

const helpdeskHost = z
  .string()
  .max(253)
  .regex(/^[a-z0-9.-]+$/i);
const linkRequest = z.object({
  storeId: z.string().min(1).max(64),
  customer: z.union([z.object({ email: z.string().max(320) }).strict(), z.object({ id: z.string().max(80) }).strict()]),
  action: z.enum(['copy', 'email']),
  context: z.object({ helpdeskHost: helpdeskHost.optional(), ticketId: z.string().max(64).optional() }).optional(),
});

/** Best-effort fields for the audit row of a request that may be refused before it is validated. */
function auditFields(body: unknown): Omit<AuditEntry, 'outcome'> {
  const r = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
  const customer = (typeof r.customer === 'object' && r.customer !== null ? r.customer : {}) as Record<string, unknown>;
  const context = (typeof r.context === 'object' && r.context !== null ? r.context : {}) as Record<string, unknown>;
  return {
    storeId: text(r.storeId, 64),
    customer: text(customer.email, 320) ?? text(customer.id, 80),
    // Only a real link action: a forged one must not pass for a sign-in row.
    action: r.action === 'copy' || r.action === 'email' ? r.action : undefined,
    helpdeskHost: text(context.helpdeskHost, 253),
    ticketId: text(context.ticketId, 64),
  };
}

const PROVIDER_STATUS: Partial<Record<string, 400 | 404 | 429 | 502 | 504>> = {
  'customer-not-found': 404,
  'bad-request': 400,
  'invalid-customer': 400,
  'rate-limited': 429,
  timeout: 504,
};

type LinkRequest = z.infer<typeof linkRequest>;

/**
 * The customer as each provider reads this request, or null where that provider cannot serve it
 * (not its id form, or an email action it does not offer); SQL picks the store's provider's entry.
 */
function customerByProvider(request: LinkRequest): string {
  const entries = providerList.map((provider) => {
    const customer =
      'email' in request.customer ? normalizeEmail(request.customer.email) : provider.parseId(request.customer.id);
    const offered = request.action !== 'email' || (provider.emailLink !== undefined && 'email' in request.customer);
    return [provider.id, offered ? (customer ?? null) : null];
  });
  return JSON.stringify(Object.fromEntries(entries));
}

/**
 * The link's audit row as 'pending', in the lookups' own batch (one round trip, one transaction),
 * written only when the request passes what D1 knows: a live session, a store that exists and the
 * agent may use, a customer its provider reads. Otherwise nothing is written here and the refusal
 * gets its own row as before; a request refused after this (limit, key) finalises this row instead.
 */
function pendingLinkRow(
  db: D1Database,
  token: Extract<Bearer, { ok: true }>,
  request: LinkRequest,
  entry: Omit<AuditEntry, 'outcome'>,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO audit (at, agent, store_id, customer, action, outcome, helpdesk_host, ticket_id, token_hash,
                          session_id)
       SELECT ?1, a.email, st.id, m.value, ?2, 'pending', ?3, ?4, ?5, s.id
       FROM agents a
       JOIN sessions s ON s.id = ?6 AND s.email = a.email AND s.ended_at IS NULL
       JOIN stores st ON st.id = ?7
       JOIN json_each(?8) m ON m.key = st.provider AND m.type = 'text'
       WHERE a.email = ?9 AND a.removed_at IS NULL AND a.session_epoch = ?10
         AND (a.stores IS NULL OR EXISTS (SELECT 1 FROM json_each(a.stores) WHERE value = st.id))
       RETURNING id`,
    )
    .bind(
      new Date().toISOString(),
      request.action,
      entry.helpdeskHost ?? null,
      entry.ticketId ?? null,
      token.tokenHash,
      token.claims.sid,
      request.storeId,
      customerByProvider(request),
      token.claims.email,
      token.claims.epoch,
    );
}

agentRoutes.post('/links', async (c) => {
  const db = c.env.DB;
  const body = await jsonOf(c);
  const fields = auditFields(body);
  const token = await bearer(c);
  // What needs no database is known first, so that what does is one batch: the session check, the
  // store and the pending audit row, with the agent's limiter asked meanwhile.
  const overridden = providerOverridesRefused(c.env, c.req.url);
  const parsed = linkRequest.safeParse(body);
  const request = parsed.success && !overridden ? parsed.data : undefined;
  let auth: Auth = token.ok ? { ok: false, code: 'unauthenticated' } : token;
  let storeRow: StoreRow | undefined;
  let pendingId: number | undefined;
  let limit: Verdict | undefined;
  if (token.ok) {
    const entry = { ...fields, agent: token.claims.email, tokenHash: token.tokenHash, sessionId: token.claims.sid };
    const statements = sessionStatements(db, token.claims);
    if (request) statements.push(storeQuery(db, request.storeId), pendingLinkRow(db, token, request, entry));
    // Every well-formed request of a signed-in agent counts against the limit, whatever its outcome.
    const limiter = c.env.LIMITER.get(c.env.LIMITER.idFromName(`agent:${token.claims.email}`));
    const take = request
      ? limiter
          .take([
            { windowS: 60, max: intVar(c.env.LIMIT_PER_MINUTE, 30) },
            { windowS: 86_400, max: intVar(c.env.LIMIT_PER_DAY, 500) },
          ])
          .catch(() => undefined)
      : undefined;
    let results: D1Result[];
    try {
      [results, limit] = await Promise.all([db.batch(statements), take]);
    } catch (error) {
      // With the audit row in it, a batch that fails is an audit write that failed: no link.
      if (request) return refuse(c, 503, 'audit-unavailable');
      throw error;
    }
    auth = sessionVerdict(token.claims, token.tokenHash, results[0]?.results[0] as SessionRow | undefined);
    storeRow = results[2]?.results[0] as StoreRow | undefined;
    pendingId = (results[3]?.results[0] as { id: number } | undefined)?.id;
  }
  const entry: Omit<AuditEntry, 'outcome'> = {
    ...fields,
    ...(auth.ok
      ? { agent: auth.agent.email, tokenHash: auth.agent.tokenHash, sessionId: auth.agent.sessionId }
      : claimed(auth)),
  };
  // Refusals are audited too (the pending row finalised, or a row of their own); if even that cannot
  // be written, say so rather than pretend.
  const refused = async (status: Status, code: string, retryAfterS?: number) => {
    try {
      if (pendingId !== undefined) await finaliseAudit(db, pendingId, code);
      else await appendAudit(db, { ...entry, outcome: code });
    } catch {
      return refuse(c, 503, 'audit-unavailable');
    }
    return refuse(c, status, code, retryAfterS !== undefined ? { retryAfterS } : {});
  };

  if (!auth.ok) {
    // Counted per client IP before the row is written, so a flood of bad tokens writes little.
    const ipLimit = await limitIp(c, 'unauthenticated');
    if (!ipLimit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: ipLimit.retryAfterS });
    return refused(401, auth.code);
  }
  if (overridden) {
    console.error(
      JSON.stringify({
        error: 'provider-override-not-allowed',
        why: 'Provider overrides (<PROVIDER>_API_BASE) are set; they are honoured only under `npm run relay:dev` on loopback. Remove them and deploy again.',
      }),
    );
    return refused(503, 'provider-override-not-allowed');
  }
  if (!request) return refused(400, 'invalid-request');
  if (auth.agent.stores && !auth.agent.stores.includes(request.storeId)) return refused(403, 'store-forbidden');

  // A key that does not open (KEYS_SECRET changed without a reseal) fails closed, audited.
  const store = await openStore(c.env, storeRow).catch(() => null);
  if (store === null) return refused(500, 'store-key-unreadable');
  if (!store) return refused(404, 'unknown-store');
  if (!limit) return refused(500, 'internal');
  if (!limit.ok) return refused(429, 'rate-limited', limit.retryAfterS);

  const provider = providerFor(store);
  const customer =
    'email' in request.customer ? normalizeEmail(request.customer.email) : provider.parseId(request.customer.id);
  if (!customer) return refused(400, 'invalid-customer');
  const query =
    'email' in request.customer ? { kind: 'email' as const, email: customer } : { kind: 'id' as const, id: customer };
  if (request.action === 'email' && (!provider.emailLink || query.kind !== 'email')) {
    return refused(400, 'email-unsupported');
  }

  // Write-ahead: no row, no provider call (written in the batch above unless D1 saw it differently).
  let auditId: number;
  try {
    auditId = pendingId ?? (await appendAudit(db, { ...entry, customer, outcome: 'pending' }));
  } catch {
    return refuse(c, 503, 'audit-unavailable');
  }

  const http = relayHttp(c.env);
  try {
    if (request.action === 'email' && query.kind === 'email') {
      await sendPortalEmail(store, query.email, http);
      await finaliseAudit(db, auditId, 'emailed');
      return c.json({ emailed: true, to: query.email });
    }
    const link = await issueLink(store, query, http);
    await finaliseAudit(db, auditId, 'allowed');
    return c.json({ url: link.url, expiresAt: link.expiresAt });
  } catch (error) {
    if (error instanceof AuditError) return refuse(c, 503, 'audit-unavailable');
    const failure = error instanceof PortalLinkError ? error : new PortalLinkError('internal');
    try {
      await finaliseAudit(db, auditId, `provider:${failure.code}`);
    } catch {
      return refuse(c, 503, 'audit-unavailable');
    }
    return refuse(c, PROVIDER_STATUS[failure.code] ?? 502, failure.code, {
      ...(failure.context.provider ? { provider: failure.context.provider } : {}),
      ...(failure.context.retryAfterS !== undefined ? { retryAfterS: failure.context.retryAfterS } : {}),
    });
  }
});
