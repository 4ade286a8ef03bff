import type { Limiter } from './limiter';

export interface Env {
  DB: D1Database;
  LIMITER: DurableObjectNamespace<Limiter>;
  /** Bearer token for /admin/* (a Worker secret). */
  ADMIN_TOKEN: string;
  /** HMAC key for access tokens (a Worker secret). */
  TOKEN_SECRET: string;
  /** 32 random bytes, base64: the AES-GCM key for provider keys (a Worker secret). */
  KEYS_SECRET: string;
  /** The previous KEYS_SECRET while rotating (docs/team-relay.md); optional. */
  KEYS_SECRET_PREVIOUS?: string;
  LIMIT_PER_MINUTE?: string;
  LIMIT_PER_DAY?: string;
  IP_LIMIT_PER_MINUTE?: string;
  /**
   * Local development only: calls to a provider's host go to a mock instead, named by the provider's
   * id (`APPSTLE_API_BASE`, `GIGSTACK_API_BASE`, …; providers.ts; see providerOverridesRefused).
   */
  [mockBase: `${string}_API_BASE`]: string | undefined;
  /** "1" only under `npm run relay:dev` (scripts/dev.mjs passes it); never set it in wrangler.toml. */
  RELAY_DEV?: string;
}

export type AppEnv = { Bindings: Env; Variables: { agent?: AgentContext } };

export interface AgentContext {
  email: string;
  /** Store ids the agent may use; undefined = all. */
  stores?: string[];
  /** First 12 hex digits of SHA-256 of the access token, for the audit. */
  tokenHash: string;
  /** The session the token belongs to (the same across rotations). */
  sessionId: string;
}

export function intVar(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The clock as D1's columns keep it: whole seconds. */
export const nowS = () => Math.floor(Date.now() / 1000);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
export const isLoopback = (hostname: string) => LOOPBACK.has(hostname);

/**
 * Provider base-URL overrides send the stores' keys wherever they point, so they are for local
 * development only: honoured when the relay runs under `npm run relay:dev` (RELAY_DEV=1) AND was
 * reached on a loopback address. A deployed Worker is reached on its own hostname (Cloudflare routes
 * by it), so a stray RELAY_DEV there still does not open the door. True = refuse to serve links.
 */
export function providerOverridesRefused(env: Env, requestUrl: string): boolean {
  const overridden = Object.entries(env).some(([name, value]) => name.endsWith('_API_BASE') && value);
  if (!overridden) return false;
  return env.RELAY_DEV !== '1' || !isLoopback(new URL(requestUrl).hostname);
}
