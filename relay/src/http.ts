import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type AuditEntry, appendAudit } from './audit';
import { type AppEnv, type Env, intVar, isLoopback } from './env';
import type { Verdict } from './limiter';

/** Every refusal has this shape: a stable code the extension turns into words, nothing secret. */
export function refuse(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  code: string,
  extra: { provider?: string; retryAfterS?: number } = {},
) {
  if (extra.retryAfterS !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(extra.retryAfterS))));
  return c.json({ error: { code, ...extra } }, status);
}

/** A refusal that is also an audit row; if the row cannot be written, says so rather than pretend. */
export async function refuseAudited(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  code: string,
  entry: Omit<AuditEntry, 'outcome'>,
  retryAfterS?: number,
) {
  try {
    await appendAudit(c.env.DB, { ...entry, outcome: code });
  } catch {
    return refuse(c, 503, 'audit-unavailable');
  }
  return refuse(c, status, code, retryAfterS !== undefined ? { retryAfterS } : {});
}

/** The JSON body, or undefined when it is not JSON (bodies over 16 KB are not read). */
export async function jsonOf(c: Context<AppEnv>): Promise<unknown> {
  const length = Number(c.req.header('content-length') ?? '0');
  if (length > 16_384) return undefined;
  try {
    const text = await c.req.text();
    return text.length > 16_384 ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const clientIp = (c: Context<AppEnv>) => c.req.header('cf-connecting-ip') ?? 'unknown';

/** The relay's public origin: https, except plain http on loopback for local development. */
export function publicOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return url.protocol === 'http:' && !isLoopback(url.hostname) ? `https://${url.host}` : url.origin;
}

/**
 * Per client IP, one minute: the sign-in endpoints count every request, the others count requests
 * refused for their credentials (before anything about them is written).
 */
export function limitIp(c: Context<AppEnv>, bucket: 'enroll' | 'token' | 'unauthenticated'): Promise<Verdict> {
  const limiter = c.env.LIMITER.get(c.env.LIMITER.idFromName(`ip:${bucket}:${clientIp(c)}`));
  return limiter.take([{ windowS: 60, max: intVar(c.env.IP_LIMIT_PER_MINUTE, 10) }]);
}

/** Per agent, a minute and a day: every link handed out counts, a lasting one too. */
export function limitAgent(env: Env, email: string): Promise<Verdict> {
  const limiter = env.LIMITER.get(env.LIMITER.idFromName(`agent:${email}`));
  return limiter.take([
    { windowS: 60, max: intVar(env.LIMIT_PER_MINUTE, 30) },
    { windowS: 86_400, max: intVar(env.LIMIT_PER_DAY, 500) },
  ]);
}
