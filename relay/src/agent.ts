/** The agents' API: sign in with an enrollment code, rotate tokens, list stores, ask for links. */
import { type Context, Hono } from 'hono';
import { normalizeEmail, parseGigstackId, parseShopifyId } from '../../lib/shared/customer';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { z } from '../../lib/shared/zod';
import { type AuditEntry, AuditError, appendAudit, finaliseAudit } from './audit';
import { normaliseCode, sha256Hex } from './crypto';
import { type AgentContext, type AppEnv, intVar } from './env';
import { clientIp, jsonOf, refuse } from './http';
import type { Rule } from './limiter';
import { issueLink, relayHttp, sendPortalEmail } from './providers';
import { listStores, loadStore, publicStore } from './stores';
import {
  ACCESS_TTL_S,
  newRefreshToken,
  REFRESH_TTL_S,
  signAccessToken,
  tokenHashPrefix,
  verifyAccessToken,
} from './tokens';

export const agentRoutes = new Hono<AppEnv>();

type Ctx = Context<AppEnv>;
const nowS = () => Math.floor(Date.now() / 1000);

async function limitIp(c: Ctx, bucket: string) {
  const rule: Rule = { windowS: 60, max: intVar(c.env.IP_LIMIT_PER_MINUTE, 10) };
  const limiter = c.env.LIMITER.get(c.env.LIMITER.idFromName(`ip:${bucket}:${clientIp(c)}`));
  return limiter.take([rule]);
}

async function issueSession(c: Ctx, email: string, epoch: number) {
  const refreshToken = newRefreshToken();
  await c.env.DB.prepare(
    'INSERT INTO refresh_tokens (token_hash, email, session_epoch, expires_at) VALUES (?, ?, ?, ?)',
  )
    .bind(await sha256Hex(refreshToken), email, epoch, nowS() + REFRESH_TTL_S)
    .run();
  const accessToken = await signAccessToken(c.env.TOKEN_SECRET, { email, epoch }, nowS());
  return { agent: { email }, accessToken, refreshToken, expiresIn: ACCESS_TTL_S };
}

/** Ends every session of an agent: older access tokens fail the epoch check, refresh tokens are spent. */
export async function endSessions(db: D1Database, email: string) {
  await db.batch([
    db.prepare('UPDATE agents SET session_epoch = session_epoch + 1 WHERE email = ?').bind(email),
    db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE email = ? AND used_at IS NULL').bind(nowS(), email),
  ]);
}

agentRoutes.post('/enroll', async (c) => {
  const limit = await limitIp(c, 'enroll');
  if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
  const body = z.object({ code: z.string().min(1).max(64) }).safeParse(await jsonOf(c));
  if (!body.success) return refuse(c, 400, 'invalid-request');
  // Single use, atomically: the first request to spend the code wins, a replay finds it used.
  const spent = await c.env.DB.prepare(
    `UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING email`,
  )
    .bind(nowS(), await sha256Hex(normaliseCode(body.data.code)), nowS())
    .first<{ email: string }>();
  if (!spent) return refuse(c, 401, 'invalid-code');
  const agent = await c.env.DB.prepare('SELECT session_epoch, removed_at FROM agents WHERE email = ?')
    .bind(spent.email)
    .first<{ session_epoch: number; removed_at: string | null }>();
  if (!agent || agent.removed_at) return refuse(c, 401, 'agent-removed');
  return c.json(await issueSession(c, spent.email, agent.session_epoch));
});

agentRoutes.post('/token', async (c) => {
  const limit = await limitIp(c, 'token');
  if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
  const body = z.object({ refreshToken: z.string().min(1).max(256) }).safeParse(await jsonOf(c));
  if (!body.success) return refuse(c, 400, 'invalid-request');
  const hash = await sha256Hex(body.data.refreshToken);
  const row = await c.env.DB.prepare(
    `SELECT r.email, r.session_epoch AS tokenEpoch, r.expires_at AS expiresAt, r.used_at AS usedAt,
            a.session_epoch AS agentEpoch, a.removed_at AS removedAt
     FROM refresh_tokens r JOIN agents a ON a.email = r.email WHERE r.token_hash = ?`,
  )
    .bind(hash)
    .first<{
      email: string;
      tokenEpoch: number;
      expiresAt: number;
      usedAt: number | null;
      agentEpoch: number;
      removedAt: string | null;
    }>();
  if (!row) return refuse(c, 401, 'unauthenticated');
  if (row.removedAt) return refuse(c, 401, 'agent-removed');
  if (row.tokenEpoch !== row.agentEpoch) return refuse(c, 401, 'session-revoked');
  // Spend it; a token already spent is a replay (someone else holds a copy): end every session.
  const spent = await c.env.DB.prepare('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
    .bind(nowS(), hash)
    .run();
  if (row.usedAt !== null || spent.meta.changes !== 1) {
    await endSessions(c.env.DB, row.email);
    return refuse(c, 401, 'session-revoked');
  }
  if (row.expiresAt <= nowS()) return refuse(c, 401, 'unauthenticated');
  return c.json(await issueSession(c, row.email, row.agentEpoch));
});

type Auth = { ok: true; agent: AgentContext } | { ok: false; code: string; email?: string; tokenHash?: string };

async function authenticate(c: Ctx): Promise<Auth> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9._-]{1,2048})$/.exec(header);
  if (!match?.[1]) return { ok: false, code: 'unauthenticated' };
  const token = match[1];
  const tokenHash = await tokenHashPrefix(token);
  const claims = await verifyAccessToken(c.env.TOKEN_SECRET, token);
  if (!claims) return { ok: false, code: 'unauthenticated', tokenHash };
  // Checked on every request, so removing an agent takes effect at once, not when the token expires.
  const agent = await c.env.DB.prepare('SELECT stores, removed_at, session_epoch FROM agents WHERE email = ?')
    .bind(claims.email)
    .first<{ stores: string | null; removed_at: string | null; session_epoch: number }>();
  if (!agent || agent.removed_at) return { ok: false, code: 'agent-removed', email: claims.email, tokenHash };
  if (agent.session_epoch !== claims.epoch) {
    return { ok: false, code: 'session-revoked', email: claims.email, tokenHash };
  }
  const stores = agent.stores ? (JSON.parse(agent.stores) as string[]) : undefined;
  return { ok: true, agent: { email: claims.email, stores, tokenHash } };
}

agentRoutes.get('/stores', async (c) => {
  const auth = await authenticate(c);
  if (!auth.ok) return refuse(c, 401, auth.code);
  const stores = await listStores(c.env.DB);
  const allowed = auth.agent.stores;
  return c.json({
    agent: { email: auth.agent.email },
    stores: stores.filter((s) => !allowed || allowed.includes(s.id)).map(publicStore),
  });
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
    action: text(r.action, 16),
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

agentRoutes.post('/links', async (c) => {
  const body = await jsonOf(c);
  const fields = auditFields(body);
  const auth = await authenticate(c);
  const entry: Omit<AuditEntry, 'outcome'> = {
    ...fields,
    agent: auth.ok ? auth.agent.email : auth.email,
    tokenHash: auth.ok ? auth.agent.tokenHash : auth.tokenHash,
  };
  // Refusals are audited too; if even that row cannot be written, say so rather than pretend.
  const refused = async (status: 400 | 401 | 403 | 404 | 429 | 500, code: string, retryAfterS?: number) => {
    try {
      await appendAudit(c.env.DB, { ...entry, outcome: code });
    } catch {
      return refuse(c, 503, 'audit-unavailable');
    }
    return refuse(c, status, code, retryAfterS !== undefined ? { retryAfterS } : {});
  };

  if (!auth.ok) return refused(401, auth.code);
  const parsed = linkRequest.safeParse(body);
  if (!parsed.success) return refused(400, 'invalid-request');
  const request = parsed.data;
  if (auth.agent.stores && !auth.agent.stores.includes(request.storeId)) return refused(403, 'store-forbidden');

  // The store and the agent's limit are looked up together (two round trips become one); every
  // request past this point counts against the limit, whatever its outcome.
  const limiter = c.env.LIMITER.get(c.env.LIMITER.idFromName(`agent:${auth.agent.email}`));
  const [store, limit] = await Promise.all([
    // A key that does not open (KEYS_SECRET changed without a reseal) fails closed, audited.
    loadStore(c.env, request.storeId).catch(() => null),
    limiter.take([
      { windowS: 60, max: intVar(c.env.LIMIT_PER_MINUTE, 30) },
      { windowS: 86_400, max: intVar(c.env.LIMIT_PER_DAY, 500) },
    ]),
  ]);
  if (store === null) return refused(500, 'store-key-unreadable');
  if (!store) return refused(404, 'unknown-store');
  if (!limit.ok) return refused(429, 'rate-limited', limit.retryAfterS);

  const customer =
    'email' in request.customer
      ? normalizeEmail(request.customer.email)
      : store.provider === 'appstle'
        ? parseShopifyId(request.customer.id)
        : parseGigstackId(request.customer.id);
  if (!customer) return refused(400, 'invalid-customer');
  const query =
    'email' in request.customer ? { kind: 'email' as const, email: customer } : { kind: 'id' as const, id: customer };
  if (request.action === 'email' && (store.provider !== 'appstle' || query.kind !== 'email')) {
    return refused(400, 'email-unsupported');
  }

  // Write-ahead: no row, no provider call.
  let auditId: number;
  try {
    auditId = await appendAudit(c.env.DB, { ...entry, customer, outcome: 'pending' });
  } catch {
    return refuse(c, 503, 'audit-unavailable');
  }

  const http = relayHttp(c.env);
  try {
    if (request.action === 'email' && query.kind === 'email') {
      await sendPortalEmail(store, query.email, http);
      await finaliseAudit(c.env.DB, auditId, 'emailed');
      return c.json({ emailed: true, to: query.email });
    }
    const link = await issueLink(store, query, http);
    await finaliseAudit(c.env.DB, auditId, 'allowed');
    return c.json({ url: link.url, expiresAt: link.expiresAt });
  } catch (error) {
    if (error instanceof AuditError) return refuse(c, 503, 'audit-unavailable');
    const failure = error instanceof PortalLinkError ? error : new PortalLinkError('internal');
    try {
      await finaliseAudit(c.env.DB, auditId, `provider:${failure.code}`);
    } catch {
      return refuse(c, 503, 'audit-unavailable');
    }
    return refuse(c, PROVIDER_STATUS[failure.code] ?? 502, failure.code, {
      ...(failure.context.provider ? { provider: failure.context.provider } : {}),
      ...(failure.context.retryAfterS !== undefined ? { retryAfterS: failure.context.retryAfterS } : {}),
    });
  }
});
