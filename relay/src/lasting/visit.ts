/**
 * What every visit to /l/<id> does, seen or pressed, known id or not: the same counters and lookup
 * (no oracle of which ids exist), one audit row, and a page in the customer's language.
 */
import type { Context } from 'hono';
import { type AuditEntry, hashPrefix } from '../audit';
import { randomToken } from '../crypto';
import { type AppEnv, type Env, intVar, nowS } from '../env';
import { clientIp } from '../http';
import { findLink, isLinkId, isLive, type LinkRow, linkHash } from './db';
import { clientHint, type Lang, type Notice, noticePage, pageHeaders, pickLang } from './pages';

/** Optional vars (wrangler.toml) for the public pages' limits. */
type LastingEnv = Env & {
  LASTING_OPENS_PER_DAY?: string;
  LASTING_VIEWS_PER_HOUR?: string;
  LASTING_IP_PER_MINUTE?: string;
};

export interface Visit {
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
 * hash, so a miss answers like a hit would.
 */
export async function visit(c: Context<AppEnv>, id: string, kind: 'view' | 'open'): Promise<Visit> {
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

/** How long to wait, when the IP or the link has used its tries. */
export const limited = (v: Visit) =>
  !v.ipLimit.ok ? v.ipLimit.retryAfterS : !v.linkLimit.ok ? v.linkLimit.retryAfterS : undefined;

export function auditOf(v: Visit, action: 'lasting-view' | 'lasting-open', outcome: string): AuditEntry {
  return {
    action,
    outcome,
    tokenHash: hashPrefix(v.idHash),
    client: v.client,
    ...(v.link ? { agent: v.link.agent, storeId: v.link.storeId, customer: v.link.customer } : {}),
  };
}

/** A page with its own nonce for the inline style, and where its form may lead. */
export function page(
  c: Context<AppEnv>,
  v: Visit,
  status: 200 | 403 | 404 | 429 | 502 | 503,
  html: (nonce: string) => string,
  formAction?: string,
) {
  const nonce = randomToken(16);
  return c.body(html(nonce), status, pageHeaders(v.lang, nonce, formAction));
}

export function notice(c: Context<AppEnv>, v: Visit, kind: Notice, retryAfterS?: number) {
  const status = ({ invalid: 404, failed: 502, forbidden: 403, limited: 429 } as const)[kind];
  if (retryAfterS !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterS))));
  return page(c, v, status, (nonce) =>
    noticePage(v.lang, kind, nonce, kind === 'invalid' || !v.live ? undefined : (v.link?.storeName ?? undefined)),
  );
}
