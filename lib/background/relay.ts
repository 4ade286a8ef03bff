/**
 * The extension's side of the team relay: sign in with an enrollment code, keep the access token in
 * `storage.session` (gone when the browser closes) and the rotating refresh token in `storage.local`,
 * ask the relay for links. The relay answers with stable codes; they become the same errors a direct
 * provider call gives, or relay-specific ones (signed out, removed, unreachable).
 */
import { gorgias } from '../helpdesks/gorgias';
import { zendesk } from '../helpdesks/zendesk';
import type { PortalLink } from '../providers/types';
import {
  isRelayStoreId,
  RELAY_ID_PREFIX,
  type RelaySession,
  relaySessionSchema,
  relayStoreSchema,
} from '../settings/relay';
import type { CustomerQuery } from '../shared/customer';
import { type ErrorCode, PortalLinkError, PROVIDER_ERROR_CODES } from '../shared/error-codes';
import { t } from '../shared/i18n';
import { z } from '../shared/zod';

export const RELAY_SESSION_KEY = 'relay';
export const RELAY_ACCESS_KEY = 'relay:access';
const TIMEOUT_MS = 15_000;
/** Refresh a little before the relay would refuse the token. */
const EARLY_REFRESH_MS = 30_000;

interface Area {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

export interface RelayDeps {
  fetch: typeof fetch;
  now: () => number;
  /** `storage.local`: the relay's address, the agent, the refresh token, the stores. */
  local: Area;
  /** `storage.session`: the short-lived access token. */
  session: Area;
}

/** Who asked, for the relay's audit: the helpdesk host and the ticket id of the page, when on a ticket. */
export interface LinkContext {
  helpdeskHost?: string;
  ticketId?: string;
}

export function linkContext(pageUrl: string | undefined): LinkContext | undefined {
  let url: URL;
  try {
    url = new URL(pageUrl ?? '');
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  const helpdesk = host.endsWith('.zendesk.com') ? zendesk : host.endsWith('.gorgias.com') ? gorgias : undefined;
  if (!helpdesk) return undefined;
  const ticketId = helpdesk.ticketIdFromUrl(url);
  return { helpdeskHost: host, ...(ticketId ? { ticketId } : {}) };
}

const grant = z.object({
  agent: z.object({ email: z.string().max(320) }),
  accessToken: z.string().min(1).max(4096),
  refreshToken: z.string().min(1).max(256),
  expiresIn: z.number().positive().max(3600),
});
const access = z.object({ token: z.string(), expiresAt: z.number() });
const refusal = z.object({
  error: z.object({
    code: z.string().max(64),
    provider: z.string().max(40).optional(),
    retryAfterS: z.number().optional(),
  }),
});
const linkReply = z.object({ url: z.string().url().max(8192), expiresAt: z.number() });

/** Provider errors the relay passes on by code: they keep their meaning (and words) here. */
const PROVIDER_CODES = new Set<ErrorCode>(PROVIDER_ERROR_CODES);

export function relayClient(deps: RelayDeps) {
  let refreshing: Promise<string> | undefined;

  async function load(): Promise<RelaySession | undefined> {
    const parsed = relaySessionSchema.safeParse((await deps.local.get(RELAY_SESSION_KEY))[RELAY_SESSION_KEY]);
    return parsed.success ? parsed.data : undefined;
  }

  async function call(origin: string, path: string, init: { method: 'GET' | 'POST'; body?: unknown; token?: string }) {
    const host = new URL(origin).host;
    let response: Response;
    try {
      response = await deps.fetch(`${origin}${path}`, {
        method: init.method,
        headers: {
          Accept: 'application/json',
          ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'error',
      });
    } catch {
      throw new PortalLinkError('relay-unreachable', { host });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new PortalLinkError('relay-unreachable', { host });
    }
    return { status: response.status, body, retryAfter: response.headers.get('retry-after'), host };
  }

  async function saveGrant(url: string, reply: z.infer<typeof grant>, stores: RelaySession['stores']) {
    await deps.session.set({
      [RELAY_ACCESS_KEY]: { token: reply.accessToken, expiresAt: deps.now() + reply.expiresIn * 1000 },
    });
    await deps.local.set({
      [RELAY_SESSION_KEY]: { url, email: reply.agent.email, refreshToken: reply.refreshToken, stores },
    });
  }

  async function forget() {
    await deps.session.remove(RELAY_ACCESS_KEY);
    await deps.local.remove(RELAY_SESSION_KEY);
  }

  /** Ends the local session when the relay says it is over, and says why. */
  async function refusalError(reply: { status: number; body: unknown; retryAfter: string | null; host: string }) {
    const parsed = refusal.safeParse(reply.body);
    const code = parsed.success ? parsed.data.error.code : '';
    if (
      reply.status === 401 &&
      (code === 'agent-removed' || code === 'session-revoked' || code === 'unauthenticated')
    ) {
      await forget();
      return new PortalLinkError(code === 'agent-removed' ? 'relay-removed' : 'relay-signed-out');
    }
    if (code === 'rate-limited') {
      const retryAfterS = parsed.data?.error.retryAfterS ?? (Number(reply.retryAfter) || undefined);
      return new PortalLinkError('rate-limited', {
        provider: parsed.data?.error.provider ?? t('relay.name'),
        ...(retryAfterS !== undefined ? { retryAfterS } : {}),
      });
    }
    if (PROVIDER_CODES.has(code as ErrorCode)) {
      return new PortalLinkError(code as ErrorCode, { provider: parsed.data?.error.provider });
    }
    if (reply.status >= 500 && !parsed.success) return new PortalLinkError('relay-unreachable', { host: reply.host });
    return new PortalLinkError('relay-refused');
  }

  async function refresh(session: RelaySession): Promise<string> {
    refreshing ??= (async () => {
      const reply = await call(session.url, '/v1/token', {
        method: 'POST',
        body: { refreshToken: session.refreshToken },
      });
      const parsed = grant.safeParse(reply.body);
      if (reply.status !== 200 || !parsed.success) throw await refusalError(reply);
      await saveGrant(session.url, parsed.data, session.stores);
      return parsed.data.accessToken;
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  async function accessToken(session: RelaySession): Promise<string> {
    const current = access.safeParse((await deps.session.get(RELAY_ACCESS_KEY))[RELAY_ACCESS_KEY]);
    if (current.success && current.data.expiresAt - deps.now() > EARLY_REFRESH_MS) return current.data.token;
    return refresh(session);
  }

  /** A signed call: one refresh and retry when the relay says the access token is no longer good. */
  async function authorised(session: RelaySession, method: 'GET' | 'POST', path: string, body?: unknown) {
    let reply = await call(session.url, path, { method, body, token: await accessToken(session) });
    const code = refusal.safeParse(reply.body).data?.error.code;
    if (reply.status === 401 && code === 'unauthenticated') {
      await deps.session.remove(RELAY_ACCESS_KEY);
      reply = await call(session.url, path, { method, body, token: await refresh(session) });
    }
    return reply;
  }

  async function fetchStores(session: RelaySession): Promise<RelaySession['stores']> {
    const reply = await authorised(session, 'GET', '/v1/stores');
    const parsed = z.object({ stores: z.array(relayStoreSchema).max(50) }).safeParse(reply.body);
    if (reply.status !== 200 || !parsed.success) throw await refusalError(reply);
    return parsed.data.stores;
  }

  return {
    session: load,

    async signIn(url: string, code: string): Promise<{ email: string }> {
      await forget();
      const reply = await call(url, '/v1/enroll', { method: 'POST', body: { code: code.trim() } });
      const parsed = grant.safeParse(reply.body);
      if (reply.status !== 200 || !parsed.success) {
        const error = await refusalError(reply);
        throw error.code === 'relay-refused' || error.code === 'relay-signed-out'
          ? new PortalLinkError('relay-code-invalid')
          : error;
      }
      await saveGrant(url, parsed.data, []);
      const session = await load();
      if (!session) throw new PortalLinkError('internal');
      const stores = await fetchStores(session);
      await deps.local.set({ [RELAY_SESSION_KEY]: { ...session, stores } });
      return { email: parsed.data.agent.email };
    },

    signOut: forget,

    /** The relay's current store list (after an admin changed stores); kept for the next reads. */
    async refreshStores(): Promise<void> {
      const session = await load();
      if (!session) return;
      const stores = await fetchStores(session);
      const latest = await load();
      if (latest) await deps.local.set({ [RELAY_SESSION_KEY]: { ...latest, stores } });
    },

    async issueLink(storeId: string, query: CustomerQuery, context?: LinkContext): Promise<PortalLink> {
      const session = await load();
      if (!session || !isRelayStoreId(storeId)) throw new PortalLinkError('relay-signed-out');
      const reply = await authorised(session, 'POST', '/v1/links', {
        storeId: storeId.slice(RELAY_ID_PREFIX.length),
        customer: query.kind === 'id' ? { id: query.id } : { email: query.email },
        action: 'copy',
        ...(context ? { context } : {}),
      });
      const parsed = linkReply.safeParse(reply.body);
      if (reply.status !== 200 || !parsed.success) throw await refusalError(reply);
      return parsed.data;
    },
  };
}

export type RelayClient = ReturnType<typeof relayClient>;
