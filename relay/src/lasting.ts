/**
 * Lasting links (issue 21): the agent's reply carries https://<relay>/l/<id>; the provider's own
 * short-lived link is minted only when the customer presses the page's button (POST), so it is fresh
 * days later and a mail scanner's GET burns nothing. Every create, view and open is an audit row.
 */
import { type Context, Hono } from 'hono';
import { checkedLink, cspSources } from '../../lib/providers/link-hosts';
import { isProviderId, providerFor, type Store } from '../../lib/providers/registry';
import { normalizeEmail } from '../../lib/shared/customer';
import { z } from '../../lib/shared/zod';
import { authenticate } from './agent';
import { type AuditEntry, AuditError, appendAudit, finaliseAudit } from './audit';
import { randomToken } from './crypto';
import { type AppEnv, type Env, intVar, providerOverridesRefused } from './env';
import { clientIp, jsonOf, limitIp, refuse } from './http';
import {
  checkFormToken,
  findLink,
  formToken,
  HASH_PREFIX_LENGTH,
  insertLink,
  isLinkId,
  isLive,
  type LinkRow,
  linkDays,
  linkHash,
  listLinks,
  newLinkId,
  revokeLinks,
  spendToken,
} from './lasting-links';
import { clientHint, type Lang, type Notice, noticePage, openPage, pageHeaders, pickLang } from './lasting-pages';
import { issueLink, relayHttp } from './providers';
import { openStore, type StoreRow, storeQuery } from './stores';

/** Optional vars (wrangler.toml) for the public pages' limits. */
type LastingEnv = Env & {
  LASTING_OPENS_PER_DAY?: string;
  LASTING_VIEWS_PER_HOUR?: string;
  LASTING_IP_PER_MINUTE?: string;
};
type Ctx = Context<AppEnv>;
const nowS = () => Math.floor(Date.now() / 1000);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The relay's public origin for the link: https, except plain http on loopback for local development. */
function publicOrigin(c: Ctx): string {
  const url = new URL(c.req.url);
  return url.protocol === 'http:' && !LOOPBACK.has(url.hostname) ? `https://${url.host}` : url.origin;
}

// ---- POST /v1/lasting-links (agents) -------------------------------------------------------------

export const lastingAgent = new Hono<AppEnv>();

const createRequest = z.object({
  storeId: z.string().min(1).max(64),
  customer: z.union([z.object({ email: z.string().max(320) }).strict(), z.object({ id: z.string().max(80) }).strict()]),
  context: z
    .object({
      helpdeskHost: z
        .string()
        .max(253)
        .regex(/^[a-z0-9.-]+$/i)
        .optional(),
      ticketId: z.string().max(64).optional(),
    })
    .optional(),
});

lastingAgent.post('/lasting-links', async (c) => {
  const body = await jsonOf(c);
  const auth = await authenticate(c);
  const loose = createRequest.partial().safeParse(body);
  const entry: Omit<AuditEntry, 'outcome'> = {
    agent: auth.ok ? auth.agent.email : auth.email,
    tokenHash: auth.ok ? auth.agent.tokenHash : auth.tokenHash,
    sessionId: auth.ok ? auth.agent.sessionId : auth.sessionId,
    action: 'lasting-create',
    storeId: loose.data?.storeId,
    helpdeskHost: loose.data?.context?.helpdeskHost,
    ticketId: loose.data?.context?.ticketId,
  };
  const refused = async (status: 400 | 401 | 403 | 404 | 429 | 500, code: string, retryAfterS?: number) => {
    try {
      await appendAudit(c.env.DB, { ...entry, outcome: code });
    } catch {
      return refuse(c, 503, 'audit-unavailable');
    }
    return refuse(c, status, code, retryAfterS !== undefined ? { retryAfterS } : {});
  };

  if (!auth.ok) {
    // As for /v1/links: counted per client IP before the row is written, so bad tokens write little.
    const limit = await limitIp(c, 'unauthenticated');
    if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
    return refused(401, auth.code);
  }
  const parsed = createRequest.safeParse(body);
  if (!parsed.success) return refused(400, 'invalid-request');
  const request = parsed.data;
  if (auth.agent.stores && !auth.agent.stores.includes(request.storeId)) return refused(403, 'store-forbidden');

  // Counted in the same limits as a copy: a lasting link is a link handed out.
  const limiter = c.env.LIMITER.get(c.env.LIMITER.idFromName(`agent:${auth.agent.email}`));
  const [store, limit, days] = await Promise.all([
    c.env.DB.prepare('SELECT provider FROM stores WHERE id = ?').bind(request.storeId).first<{ provider: string }>(),
    limiter.take([
      { windowS: 60, max: intVar(c.env.LIMIT_PER_MINUTE, 30) },
      { windowS: 86_400, max: intVar(c.env.LIMIT_PER_DAY, 500) },
    ]),
    linkDays(c.env.DB, request.storeId),
  ]);
  if (!store || !isProviderId(store.provider)) return refused(404, 'unknown-store');
  if (!limit.ok) return refused(429, 'rate-limited', limit.retryAfterS);
  const isEmail = 'email' in request.customer;
  const customer =
    'email' in request.customer
      ? normalizeEmail(request.customer.email)
      : providerFor({ provider: store.provider }).parseId(request.customer.id);
  if (!customer) return refused(400, 'invalid-customer');

  const id = newLinkId();
  const idHash = await linkHash(id);
  const now = new Date();
  const expiresAt = nowS() + days * 86_400;
  // The link and its audit row are one transaction: no row, no link.
  try {
    await c.env.DB.batch([
      insertLink(c.env.DB, {
        idHash,
        storeId: request.storeId,
        customerKind: isEmail ? 'email' : 'id',
        customer,
        agent: auth.agent.email,
        createdAt: now.toISOString(),
        expiresAt,
      }),
      c.env.DB.prepare(
        `INSERT INTO audit (at, agent, store_id, customer, action, outcome, helpdesk_host, ticket_id, token_hash,
                            session_id)
         VALUES (?, ?, ?, ?, ?, 'created', ?, ?, ?, ?)`,
      ).bind(
        now.toISOString(),
        auth.agent.email,
        request.storeId,
        customer,
        'lasting-create',
        entry.helpdeskHost ?? null,
        entry.ticketId ?? null,
        idHash.slice(0, HASH_PREFIX_LENGTH),
        auth.agent.sessionId,
      ),
    ]);
  } catch {
    return refuse(c, 503, 'audit-unavailable');
  }
  return c.json({ url: `${publicOrigin(c)}/l/${id}`, expiresAt: expiresAt * 1000 });
});

// ---- GET and POST /l/<id> (customers, and whatever fetches links in their mail) --------------------

export const lastingPublic = new Hono<AppEnv>();

interface Visit {
  lang: Lang;
  client: string;
  /** The presented id's hash (of any string: misses are looked up too). */
  idHash: string;
  link: LinkRow | null;
  live: boolean;
  ipLimit: { ok: true } | { ok: false; retryAfterS: number };
  linkLimit: { ok: true } | { ok: false; retryAfterS: number };
}

/**
 * The same work for every id, known or not: the per-IP and per-link counters and one D1 lookup by
 * hash, so a miss answers like a hit would (no oracle of which ids exist).
 */
async function visit(c: Ctx, id: string, kind: 'view' | 'open'): Promise<Visit> {
  const env = c.env as LastingEnv;
  const idHash = await linkHash(isLinkId(id) ? id : `invalid:${id.slice(0, 64)}`);
  const limiter = (name: string) => env.LIMITER.get(env.LIMITER.idFromName(name));
  const linkRule =
    kind === 'view'
      ? { windowS: 3600, max: intVar(env.LASTING_VIEWS_PER_HOUR, 60) }
      : { windowS: 86_400, max: intVar(env.LASTING_OPENS_PER_DAY, 10) };
  const [ipLimit, linkLimit, link] = await Promise.all([
    limiter(`ip:lasting:${clientIp(c)}`).take([{ windowS: 60, max: intVar(env.LASTING_IP_PER_MINUTE, 30) }]),
    limiter(`lasting-${kind}:${idHash}`).take([linkRule]),
    findLink(env.DB, idHash),
  ]);
  return {
    lang: pickLang(c.req.header('accept-language')),
    client: clientHint(c.req.header('user-agent')),
    idHash,
    link,
    live: isLive(link, nowS()),
    ipLimit,
    linkLimit,
  };
}

function auditOf(v: Visit, action: 'lasting-view' | 'lasting-open', outcome: string): AuditEntry {
  return {
    action,
    outcome,
    tokenHash: v.idHash.slice(0, HASH_PREFIX_LENGTH),
    client: v.client,
    ...(v.link ? { agent: v.link.agent, storeId: v.link.storeId, customer: v.link.customer } : {}),
  };
}

function page(
  c: Ctx,
  v: Visit,
  status: 200 | 403 | 404 | 429 | 502 | 503,
  html: (nonce: string) => string,
  formAction?: string,
) {
  const nonce = randomToken(16);
  return c.body(html(nonce), status, pageHeaders(v.lang, nonce, formAction));
}

function notice(c: Ctx, v: Visit, kind: Notice, retryAfterS?: number) {
  const status = ({ invalid: 404, failed: 502, forbidden: 403, limited: 429 } as const)[kind];
  if (retryAfterS !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterS))));
  return page(c, v, status, (nonce) =>
    noticePage(v.lang, kind, nonce, kind === 'invalid' || !v.live ? undefined : (v.link?.storeName ?? undefined)),
  );
}

const limited = (v: Visit) =>
  !v.ipLimit.ok ? v.ipLimit.retryAfterS : !v.linkLimit.ok ? v.linkLimit.retryAfterS : undefined;

/** The host the form may lead to (CSP form-action follows the 303): the store's portal host. */
function portalSource(provider: string | null, settings: string | null): string {
  if (!provider || !isProviderId(provider)) return 'https:';
  let own: unknown;
  try {
    own = JSON.parse(settings ?? '{}');
  } catch {
    return 'https:';
  }
  const store = { ...(own as object), provider } as Omit<Store, 'apiKey'>;
  return cspSources(providerFor(store).linkHosts(store));
}

/** The provider's link, only if it is https on the store's portal host (never a URL from the request). */
export function checkedTarget(store: Store, link: string): string | undefined {
  return checkedLink(link, providerFor(store).linkHosts(store));
}

lastingPublic.get('/l/:id', async (c) => {
  const v = await visit(c, c.req.param('id'), 'view');
  const retryAfterS = limited(v);
  const outcome = retryAfterS !== undefined ? 'rate-limited' : v.live ? 'shown' : 'invalid';
  try {
    await appendAudit(c.env.DB, auditOf(v, 'lasting-view', outcome));
  } catch {
    return notice(c, v, 'failed');
  }
  if (retryAfterS !== undefined) return notice(c, v, 'limited', retryAfterS);
  if (!v.live || !v.link) return notice(c, v, 'invalid');
  const token = await formToken(c.env.TOKEN_SECRET, v.idHash, nowS());
  const { storeName, storeProvider, storeSettings } = v.link;
  return page(
    c,
    v,
    200,
    (nonce) => openPage(v.lang, storeName ?? '', token, nonce),
    portalSource(storeProvider, storeSettings),
  );
});

/** A form post from another site (when the browser says so) is refused like a forged token. */
function crossSite(c: Ctx): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  return (
    origin !== undefined && origin !== 'null' && origin !== new URL(c.req.url).origin && origin !== publicOrigin(c)
  );
}

async function formField(c: Ctx): Promise<string> {
  if (Number(c.req.header('content-length') ?? '0') > 4096) return '';
  try {
    const text = await c.req.text();
    return text.length > 4096 ? '' : (new URLSearchParams(text).get('token') ?? '');
  } catch {
    return '';
  }
}

lastingPublic.post('/l/:id', async (c) => {
  const v = await visit(c, c.req.param('id'), 'open');
  const token = await formField(c);
  const audit = (outcome: string) => appendAudit(c.env.DB, auditOf(v, 'lasting-open', outcome));
  const refusedWith = async (outcome: string, kind: Notice, retryAfterS?: number) => {
    try {
      await audit(outcome);
    } catch {
      return notice(c, v, 'failed');
    }
    return notice(c, v, kind, retryAfterS);
  };

  const retryAfterS = limited(v);
  if (retryAfterS !== undefined) return refusedWith('rate-limited', 'limited', retryAfterS);
  const nonce = crossSite(c) ? undefined : await checkFormToken(c.env.TOKEN_SECRET, v.idHash, token, nowS());
  if (!nonce) return refusedWith('forbidden', 'forbidden');
  if (!v.live || !v.link) return refusedWith('invalid', 'invalid');
  const link = v.link;

  // Spend the token and write the audit row first, together: a replay or a failed write means no redirect.
  // The store's row comes in the same batch (one round trip fewer before the provider call).
  let auditId: number;
  let storeRow: StoreRow | undefined;
  try {
    const results = await c.env.DB.batch([
      ...spendToken(c.env.DB, nonce, nowS()),
      c.env.DB.prepare(
        `INSERT INTO audit (at, agent, store_id, customer, action, outcome, token_hash, client)
         VALUES (?, ?, ?, ?, 'lasting-open', 'pending', ?, ?) RETURNING id`,
      ).bind(
        new Date().toISOString(),
        link.agent,
        link.storeId,
        link.customer,
        v.idHash.slice(0, HASH_PREFIX_LENGTH),
        v.client,
      ),
      storeQuery(c.env.DB, link.storeId),
    ]);
    const row = results[2]?.results?.[0] as { id: number } | undefined;
    if (!row) throw new AuditError('no row');
    auditId = row.id;
    storeRow = results[3]?.results?.[0] as StoreRow | undefined;
  } catch (error) {
    const replay = error instanceof Error && /UNIQUE|constraint/i.test(error.message);
    return replay ? refusedWith('replayed', 'forbidden') : notice(c, v, 'failed');
  }

  let target: string | undefined;
  let outcome = 'opened';
  try {
    // Same rule as /v1/links: a provider mock base outside `relay:dev` on loopback serves nothing.
    if (providerOverridesRefused(c.env, c.req.url)) throw Object.assign(new Error(), { code: 'override-not-allowed' });
    const store = await openStore(c.env, storeRow);
    if (!store) throw new Error('store gone');
    const minted = await issueLink(
      store,
      link.customerKind === 'email' ? { kind: 'email', email: link.customer } : { kind: 'id', id: link.customer },
      relayHttp(c.env),
    );
    target = checkedTarget(store, minted.url);
    if (!target) outcome = 'provider:unsafe-link';
  } catch (error) {
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'internal';
    outcome = `provider:${code}`;
  }
  try {
    await finaliseAudit(c.env.DB, auditId, outcome);
  } catch {
    return notice(c, v, 'failed');
  }
  if (!target) return notice(c, v, 'failed');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(target, 303);
});

// ---- /admin/lasting-links (mounted under the admin app's token check) -----------------------------

export const lastingAdmin = new Hono<AppEnv>();

const emailOf = (text: string | undefined) => (text ? normalizeEmail(text)?.toLowerCase() : undefined);

lastingAdmin.get('/', async (c) => {
  const agent = c.req.query('agent');
  const customer = c.req.query('customer');
  const filter = { agent: emailOf(agent), customer: customer ? (normalizeEmail(customer) ?? customer) : undefined };
  if ((agent && !filter.agent) || (customer && customer.length > 320)) return refuse(c, 400, 'invalid-request');
  return c.json({ links: await listLinks(c.env.DB, filter) });
});

const revokeRequest = z.union([
  z.object({ id: z.string().min(8).max(512) }).strict(),
  z.object({ customer: z.string().min(1).max(320) }).strict(),
  z.object({ agent: z.string().min(3).max(320) }).strict(),
]);

/** By the hash prefix `link list` shows, by the link itself (URL or id), by customer or by agent. */
lastingAdmin.post('/revoke', async (c) => {
  const body = revokeRequest.safeParse(await jsonOf(c));
  if (!body.success) return refuse(c, 400, 'invalid-request');
  const now = new Date();
  let result: Awaited<ReturnType<typeof revokeLinks>>;
  if ('id' in body.data) {
    const text = body.data.id.trim();
    const fromUrl = /\/l\/([A-Za-z0-9_-]{22})\/?$/.exec(text)?.[1];
    const hashPrefix = fromUrl || isLinkId(text) ? await linkHash(fromUrl ?? text) : text.toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(hashPrefix)) return refuse(c, 400, 'invalid-request');
    result = await revokeLinks(c.env.DB, { hashPrefix }, now);
  } else if ('customer' in body.data) {
    result = await revokeLinks(c.env.DB, { customer: normalizeEmail(body.data.customer) ?? body.data.customer }, now);
  } else {
    const agent = emailOf(body.data.agent);
    if (!agent) return refuse(c, 400, 'invalid-request');
    result = await revokeLinks(c.env.DB, { agent }, now);
  }
  if ('ambiguous' in result) return refuse(c, 409, 'ambiguous-prefix');
  return c.json(result);
});

lastingAdmin.put('/stores/:id', async (c) => {
  const body = z.object({ lastingLinkDays: z.number().int().min(1).max(30) }).safeParse(await jsonOf(c));
  if (!body.success) return refuse(c, 400, 'invalid-request');
  const id = c.req.param('id');
  const exists = await c.env.DB.prepare('SELECT 1 AS x FROM stores WHERE id = ?').bind(id).first();
  if (!exists) return refuse(c, 404, 'unknown-store');
  await c.env.DB.prepare(
    'INSERT INTO lasting_link_settings (store_id, days) VALUES (?, ?) ON CONFLICT(store_id) DO UPDATE SET days = excluded.days',
  )
    .bind(id, body.data.lastingLinkDays)
    .run();
  return c.json({ store: id, lastingLinkDays: body.data.lastingLinkDays });
});
