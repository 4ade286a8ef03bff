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
  /** Local development only: provider calls go to a mock on loopback. */
  APPSTLE_API_BASE?: string;
  GIGSTACK_API_BASE?: string;
}

export type AppEnv = { Bindings: Env; Variables: { agent?: AgentContext } };

export interface AgentContext {
  email: string;
  /** Store ids the agent may use; undefined = all. */
  stores?: string[];
  /** First 12 hex digits of SHA-256 of the access token, for the audit. */
  tokenHash: string;
}

export function intVar(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
