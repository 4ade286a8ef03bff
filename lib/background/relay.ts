/**
 * The extension's side of the team relay: sign in with an enrollment code, keep the access token in
 * `storage.session` (gone when the browser closes) and the rotating refresh token sealed in
 * `storage.local`, ask the relay for links, sign out at the relay too. The relay answers with stable
 * codes; they become the same errors a direct provider call gives, or relay-specific ones (signed
 * out, removed, unreachable).
 */
import { gorgias } from '../helpdesks/gorgias';
import { zendesk } from '../helpdesks/zendesk';
import type { PortalLink } from '../providers/types';
import { type RelaySession, relaySessionSchema } from '../settings/relay';
import { RELAY_LINK_TYPES_KEY, relayLinkTypeOf } from '../settings/relay-link-type';
import { relayStoreSchema } from '../settings/schema';
import type { Sealer } from '../settings/sealing';
import type { CustomerQuery } from '../shared/customer';
import { type ErrorCode, PortalLinkError, PROVIDER_ERROR_CODES } from '../shared/error-codes';
import { t } from '../shared/i18n';
import { z } from '../shared/zod';

export const RELAY_SESSION_KEY = 'relay';
export const RELAY_ACCESS_KEY = 'relay:access';
const TIMEOUT_MS = 15_000;
/** Sign out ends the session locally whatever the relay says; it waits this long for the relay. */
const SIGN_OUT_TIMEOUT_MS = 5_000;
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
  /** Seals the refresh token at rest (lib/settings/sealing.ts). */
  sealer: Sealer;
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
const emailReply = z.object({ emailed: z.literal(true), to: z.string().max(320) });

/** Provider errors the relay passes on by code: they keep their meaning (and words) here. */
const PROVIDER_CODES = new Set<ErrorCode>(PROVIDER_ERROR_CODES);

export function relayClient(deps: RelayDeps) {
  let refreshing: Promise<string> | undefined;

  async function load(): Promise<RelaySession | undefined> {
    const parsed = relaySessionSchema.safeParse((await deps.local.get(RELAY_SESSION_KEY))[RELAY_SESSION_KEY]);
    if (!parsed.success) return undefined;
    const { refreshToken, ...session } = parsed.data;
    if (refreshToken === undefined) return parsed.data;
    // Stored in clear before sealing: sealed now, the clear copy overwritten.
    const sealed = { ...session, sealedRefreshToken: await deps.sealer.seal(refreshToken) };
    await deps.local.set({ [RELAY_SESSION_KEY]: sealed });
    return sealed;
  }

  async function refreshTokenOf(session: RelaySession): Promise<string> {
    if (!session.sealedRefreshToken) throw new PortalLinkError('relay-signed-out');
    return deps.sealer.unseal(session.sealedRefreshToken);
  }

  async function call(
    origin: string,
    path: string,
    init: { method: 'GET' | 'POST'; body?: unknown; token?: string; timeoutMs?: number },
  ) {
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
        signal: AbortSignal.timeout(init.timeoutMs ?? TIMEOUT_MS),
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
    const session: RelaySession = {
      url,
      email: reply.agent.email,
      sealedRefreshToken: await deps.sealer.seal(reply.refreshToken),
      stores,
    };
    await deps.session.set({
      [RELAY_ACCESS_KEY]: { token: reply.accessToken, expiresAt: deps.now() + reply.expiresIn * 1000 },
    });
    await deps.local.set({ [RELAY_SESSION_KEY]: session });
  }

  async function forget() {
    await deps.session.remove(RELAY_ACCESS_KEY);
    await deps.local.remove(RELAY_SESSION_KEY);
  }

  /**
   * A removed agent keeps the relay's address and stores, marked removed: every action still goes to
   * the relay (which refuses and audits it) and says why, and signing in again needs only a new code.
   */
  async function markRemoved() {
    const session = await load();
    if (session && !session.removed) await deps.local.set({ [RELAY_SESSION_KEY]: { ...session, removed: true } });
  }

  /** Ends the local session when the relay says it is over, and says why. */
  async function refusalError(reply: { status: number; body: unknown; retryAfter: string | null; host: string }) {
    const parsed = refusal.safeParse(reply.body);
    const code = parsed.success ? parsed.data.error.code : '';
    if (reply.status === 401 && code === 'agent-removed') {
      await markRemoved();
      return new PortalLinkError('relay-removed');
    }
    if (reply.status === 401 && (code === 'session-revoked' || code === 'unauthenticated')) {
      await forget();
      return new PortalLinkError('relay-signed-out');
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

  async function storedAccess() {
    return access.safeParse((await deps.session.get(RELAY_ACCESS_KEY))[RELAY_ACCESS_KEY]).data;
  }

  /**
   * One refresh at a time, and none for a token another refresh already replaced: `stale` is the
   * access token the caller found wanting. Spending a refresh token twice is a replay to the relay,
   * so two calls refused at once must not both refresh (and the second must not reuse the first's
   * spent token).
   */
  function refresh(stale: string | undefined): Promise<string> {
    refreshing ??= (async () => {
      const current = await storedAccess();
      if (current && current.token !== stale && current.expiresAt - deps.now() > EARLY_REFRESH_MS) {
        return current.token;
      }
      // The latest session: its refresh token is the one not spent yet.
      const session = await load();
      if (!session) throw new PortalLinkError('relay-signed-out');
      const reply = await call(session.url, '/v1/token', {
        method: 'POST',
        body: { refreshToken: await refreshTokenOf(session) },
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

  async function accessToken(): Promise<string> {
    const current = await storedAccess();
    if (current && current.expiresAt - deps.now() > EARLY_REFRESH_MS) return current.token;
    return refresh(current?.token);
  }

  /** A signed call: one refresh and retry when the relay says the access token is no longer good. */
  async function authorised(session: RelaySession, method: 'GET' | 'POST', path: string, body?: unknown) {
    const token = await accessToken();
    let reply = await call(session.url, path, { method, body, token });
    const code = refusal.safeParse(reply.body).data?.error.code;
    if (reply.status === 401 && code === 'unauthenticated') {
      reply = await call(session.url, path, { method, body, token: await refresh(token) });
    }
    return reply;
  }

  async function fetchStores(session: RelaySession): Promise<RelaySession['stores']> {
    const reply = await authorised(session, 'GET', '/v1/stores');
    const parsed = z.object({ stores: z.array(z.unknown()).max(50) }).safeParse(reply.body);
    if (reply.status !== 200 || !parsed.success) throw await refusalError(reply);
    // A store of a provider this version does not know yet is left out, not the whole list.
    return parsed.data.stores.flatMap((store) => relayStoreSchema.safeParse(store).data ?? []);
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

    /** Ends the session at the relay too (`POST /v1/signout`), then here, whatever the relay answered. */
    async signOut(): Promise<void> {
      const session = await load();
      if (session && !session.removed) {
        await (async () => {
          const token = await accessToken();
          // After a refresh the stored refresh token is the new one: sign that one out.
          const latest = (await load()) ?? session;
          await call(latest.url, '/v1/signout', {
            method: 'POST',
            body: { refreshToken: await refreshTokenOf(latest) },
            token,
            timeoutMs: SIGN_OUT_TIMEOUT_MS,
          });
        })().catch(() => undefined);
      }
      await forget();
    },

    /** The relay's current store list (after an admin changed stores); kept for the next reads. */
    async refreshStores(): Promise<void> {
      const session = await load();
      if (!session) return;
      const stores = await fetchStores(session);
      const latest = await load();
      if (latest) await deps.local.set({ [RELAY_SESSION_KEY]: { ...latest, stores } });
    },

    /**
     * A lasting link (/v1/lasting-links) unless the agent chose **Direct link** for this store: the
     * relay's page then mints the provider's link when the customer opens it.
     */
    async issueLink(
      storeId: string,
      query: CustomerQuery,
      context?: LinkContext,
    ): Promise<PortalLink & { lasting?: boolean }> {
      const session = await load();
      if (!session) throw new PortalLinkError('relay-signed-out');
      const lasting =
        relayLinkTypeOf((await deps.local.get(RELAY_LINK_TYPES_KEY))[RELAY_LINK_TYPES_KEY], storeId) === 'lasting';
      const reply = await authorised(session, 'POST', lasting ? '/v1/lasting-links' : '/v1/links', {
        storeId,
        customer: query.kind === 'id' ? { id: query.id } : { email: query.email },
        ...(lasting ? {} : { action: 'copy' }),
        ...(context ? { context } : {}),
      });
      const parsed = linkReply.safeParse(reply.body);
      if (reply.status !== 200 || !parsed.success) throw await refusalError(reply);
      // A lasting link is the relay's own page, on the relay's origin: anything else is not handed out.
      if (lasting && !parsed.data.url.startsWith(`${session.url}/l/`)) throw new PortalLinkError('relay-refused');
      return lasting ? { ...parsed.data, lasting: true } : parsed.data;
    },

    /**
     * The relay has the provider email the customer their link (`/v1/links`, action `email`). Sent
     * again only when the relay refused the access token before doing anything (`authorised`).
     */
    async emailLink(storeId: string, email: string, context?: LinkContext): Promise<{ to: string }> {
      const session = await load();
      if (!session) throw new PortalLinkError('relay-signed-out');
      const reply = await authorised(session, 'POST', '/v1/links', {
        storeId,
        customer: { email },
        action: 'email',
        ...(context ? { context } : {}),
      });
      const parsed = emailReply.safeParse(reply.body);
      if (reply.status !== 200 || !parsed.success) throw await refusalError(reply);
      return { to: parsed.data.to };
    },
  };
}

export type RelayClient = ReturnType<typeof relayClient>;
