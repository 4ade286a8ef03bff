import { describe, expect, it } from 'vitest';
import { linkContext, RELAY_ACCESS_KEY, RELAY_SESSION_KEY, relayClient } from '../../lib/background/relay';
import { createRouter, type RouterDeps } from '../../lib/background/router';
import { parseManaged } from '../../lib/settings/managed';
import { mergeRelay, parseRelayUrl, type RelaySession } from '../../lib/settings/relay';
import { type Settings, toView } from '../../lib/settings/schema';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { errorInfo } from '../../lib/shared/errors';
import type { SenderLike } from '../../lib/shared/protocol';
import { appstleStore, memoryCache, NOW } from './helpers';

const RELAY = 'https://relay.acme.test';
const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT_ORIGIN = `chrome-extension://${RUNTIME_ID}`;
const OPTIONS: SenderLike = { id: RUNTIME_ID, origin: EXT_ORIGIN, url: `${EXT_ORIGIN}/options.html` };
const ZENDESK: SenderLike = {
  id: RUNTIME_ID,
  origin: 'https://acme.zendesk.com',
  url: 'https://acme.zendesk.com/agent/tickets/4711',
  tab: { id: 3, url: 'https://acme.zendesk.com/agent/tickets/4711' },
  frameId: 0,
};

function area() {
  const data: Record<string, unknown> = {};
  return {
    data,
    get: async (key: string) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
    set: async (items: Record<string, unknown>) => void Object.assign(data, structuredClone(items)),
    remove: async (keys: string | string[]) => {
      for (const k of [keys].flat()) delete data[k];
    },
  };
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** A relay that behaves as relay/ does at its edges: codes, rotation, refusals. */
function fakeRelay() {
  const state = { code: 'ABCD-EFGH', access: 'at-1', refresh: 'rt-1', removed: false, links: [] as unknown[] };
  const calls: { path: string; auth?: string; body?: unknown }[] = [];
  let next: Reply | undefined;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const auth = new Headers(init?.headers).get('authorization') ?? undefined;
    calls.push({ path: url.pathname, auth, body });
    const reply = ((): Reply => {
      if (next) {
        const r = next;
        next = undefined;
        return r;
      }
      if (url.pathname === '/v1/enroll') {
        return body.code === state.code
          ? {
              status: 200,
              body: {
                agent: { email: 'ana@acme.test' },
                accessToken: state.access,
                refreshToken: state.refresh,
                expiresIn: 600,
              },
            }
          : { status: 401, body: { error: { code: 'invalid-code' } } };
      }
      if (url.pathname === '/v1/token') {
        if (body.refreshToken !== state.refresh) return { status: 401, body: { error: { code: 'session-revoked' } } };
        state.access = `at-${Number(state.access.slice(3)) + 1}`;
        state.refresh = `rt-${Number(state.refresh.slice(3)) + 1}`;
        return {
          status: 200,
          body: {
            agent: { email: 'ana@acme.test' },
            accessToken: state.access,
            refreshToken: state.refresh,
            expiresIn: 600,
          },
        };
      }
      if (state.removed) return { status: 401, body: { error: { code: 'agent-removed' } } };
      if (auth !== `Bearer ${state.access}`) return { status: 401, body: { error: { code: 'unauthenticated' } } };
      if (url.pathname === '/v1/stores') {
        return {
          status: 200,
          body: { stores: [{ id: 'acme', name: 'Acme', provider: 'appstle', helpdeskHosts: ['acme.zendesk.com'] }] },
        };
      }
      state.links.push(body);
      return {
        status: 200,
        body: { url: 'https://acme.myshopify.com/tools/recurring/customer_portal?token=t', expiresAt: NOW + 7_200_000 },
      };
    })();
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: reply.headers });
  };
  return {
    state,
    calls,
    fetch: fetch as typeof globalThis.fetch,
    answerNext: (r: Reply) => {
      next = r;
    },
  };
}

function setup() {
  const relay = fakeRelay();
  const local = area();
  const session = area();
  const clock = { now: NOW };
  const client = relayClient({ fetch: relay.fetch, now: () => clock.now, local, session });
  const copied: string[] = [];
  const deps: RouterDeps = {
    runtimeId: RUNTIME_ID,
    extensionOrigin: EXT_ORIGIN,
    loadSettings: async (): Promise<Settings> => ({
      stores: [appstleStore({ id: 'own', helpdeskHosts: ['acme.zendesk.com', 'own.zendesk.com'] })],
    }),
    saveSettings: async (s) => s,
    http: { fetch: relay.fetch, now: () => clock.now, sleep: async () => {}, random: () => 0.5, online: () => true },
    cache: memoryCache(),
    copy: async (text) => void copied.push(text),
    relay: client,
  };
  return { relay, local, session, clock, client, copied, handle: createRouter(deps) };
}

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error instanceof PortalLinkError ? error.code : String(error);
  }
  return 'resolved';
}

describe('relay URL', () => {
  it('is https, or http on this machine only; the origin is kept', () => {
    expect(parseRelayUrl(' https://relay.acme.test/some/path ')).toBe('https://relay.acme.test');
    expect(parseRelayUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(parseRelayUrl('http://relay.acme.test')).toBeUndefined();
    expect(parseRelayUrl('https://user:pw@relay.acme.test')).toBeUndefined();
    expect(parseRelayUrl('relay.acme.test')).toBeUndefined();
  });

  it('may be pushed by policy (https only)', () => {
    const state = parseManaged({ relayUrl: 'https://relay.acme.test' });
    expect(state).toEqual({ kind: 'valid', settings: { stores: [], relayUrl: 'https://relay.acme.test' } });
    expect(parseManaged({ relayUrl: 'http://relay.acme.test' })).toEqual({ kind: 'invalid' });
  });
});

describe('relay stores in the settings', () => {
  const session: RelaySession = {
    url: RELAY,
    email: 'ana@acme.test',
    refreshToken: 'plr_refresh_secret',
    stores: [{ id: 'acme', name: 'Acme', provider: 'appstle', helpdeskHosts: ['acme.zendesk.com'] }],
  };
  it('come before local stores, take their helpdesk hosts, and show keyless and read-only', () => {
    const own = appstleStore({ id: 'own', helpdeskHosts: ['acme.zendesk.com', 'own.zendesk.com'] });
    const merged = mergeRelay({ stores: [own] }, session);
    expect(merged.stores.map((s) => [s.id, s.helpdeskHosts])).toEqual([
      ['relay:acme', ['acme.zendesk.com']],
      ['own', ['own.zendesk.com']],
    ]);
    const view = toView(merged);
    expect(view.relay).toEqual({ url: RELAY, email: 'ana@acme.test' });
    expect(view.stores[0]).toMatchObject({ id: 'relay:acme', relay: true, apiKeyMask: '' });
    expect(JSON.stringify(view)).not.toContain('plr_refresh_secret');
  });
});

describe('relay client through the router', () => {
  it('signs in: access token in session storage, refresh token in local storage, stores listed', async () => {
    const { handle, local, session } = setup();
    const reply = await handle({ type: 'relay-sign-in', url: `${RELAY}/`, code: 'ABCD-EFGH' }, OPTIONS);
    expect(reply).toMatchObject({ ok: true, settings: { relay: { url: RELAY, email: 'ana@acme.test' } } });
    expect(session.data[RELAY_ACCESS_KEY]).toEqual({ token: 'at-1', expiresAt: NOW + 600_000 });
    expect(local.data[RELAY_SESSION_KEY]).toMatchObject({ url: RELAY, refreshToken: 'rt-1' });
    expect(JSON.stringify(reply)).not.toMatch(/at-1|rt-1/);
  });

  it('refuses a bad code, a non-https URL, and a content script asking to sign in', async () => {
    const { handle } = setup();
    const bad = await handle({ type: 'relay-sign-in', url: RELAY, code: 'WRONG' }, OPTIONS);
    expect(bad).toMatchObject({ ok: false, error: { code: 'relay-code-invalid' } });
    const http = await handle({ type: 'relay-sign-in', url: 'http://relay.acme.test', code: 'ABCD-EFGH' }, OPTIONS);
    expect(http).toMatchObject({ ok: false, error: { code: 'relay-url-invalid' } });
    const page = await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, ZENDESK);
    expect(page).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('copies from a ticket through the relay with the helpdesk host and ticket id, never cached', async () => {
    const { handle, relay, copied } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    for (let i = 0; i < 2; i++) {
      const reply = await handle({ type: 'copy-link', customer: { email: 'carla@example.com' } }, ZENDESK);
      expect(reply).toMatchObject({ ok: true, cached: false, storeName: 'Acme' });
    }
    expect(copied).toHaveLength(2);
    expect(relay.state.links).toEqual([
      {
        storeId: 'acme',
        customer: { email: 'carla@example.com' },
        action: 'copy',
        context: { helpdeskHost: 'acme.zendesk.com', ticketId: '4711' },
      },
      {
        storeId: 'acme',
        customer: { email: 'carla@example.com' },
        action: 'copy',
        context: { helpdeskHost: 'acme.zendesk.com', ticketId: '4711' },
      },
    ]);
  });

  it('gives a ticket the link to insert (nothing copied) but never emails: a relay store has no key here', async () => {
    const { handle, relay, copied } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const inserted = await handle({ type: 'get-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(inserted).toMatchObject({ ok: true, cached: false, storeName: 'Acme', customer: 'carla@example.com' });
    expect(copied).toEqual([]);
    expect(relay.state.links).toHaveLength(1);
    expect(await handle({ type: 'get-actions' }, ZENDESK)).toEqual({ ok: true, canEmail: false, ready: true });
    const calls = relay.calls.length;
    const emailed = await handle({ type: 'email-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(emailed).toMatchObject({ ok: false, error: { code: 'email-unsupported' } });
    expect(relay.calls.length).toBe(calls);
  });

  it('refreshes an expired access token once (rotating the refresh token) and goes on', async () => {
    const { handle, relay, clock, local } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    clock.now += 11 * 60_000;
    const reply = await handle({ type: 'copy-link', customer: '12345', storeId: 'relay:acme' }, OPTIONS);
    expect(reply).toMatchObject({ ok: true });
    expect(relay.calls.map((c) => c.path)).toEqual(['/v1/enroll', '/v1/stores', '/v1/token', '/v1/links']);
    expect(relay.calls.at(-1)?.auth).toBe('Bearer at-2');
    expect(local.data[RELAY_SESSION_KEY]).toMatchObject({ refreshToken: 'rt-2' });
  });

  it('says so when the agent was removed, and forgets the session', async () => {
    const { handle, relay, local, session } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    relay.state.removed = true;
    const reply = await handle({ type: 'copy-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(reply).toEqual({ ok: false, error: errorInfo(new PortalLinkError('relay-removed')) });
    expect(local.data[RELAY_SESSION_KEY]).toBeUndefined();
    expect(session.data[RELAY_ACCESS_KEY]).toBeUndefined();
  });

  it('maps rate limits (with Retry-After), provider errors and an unreachable relay to clear messages', async () => {
    const { handle, relay, client } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const copy = () => client.issueLink('relay:acme', { kind: 'email', email: 'carla@example.com' });
    relay.answerNext({
      status: 429,
      body: { error: { code: 'rate-limited', retryAfterS: 42 } },
      headers: { 'retry-after': '42' },
    });
    const limited = await copy().catch((e: unknown) => e);
    expect(errorInfo(limited).message).toBe('Team relay is rate limiting requests. Try again in 42 s.');
    relay.answerNext({ status: 404, body: { error: { code: 'customer-not-found', provider: 'Appstle' } } });
    const notFound = await copy().catch((e: unknown) => e);
    expect(errorInfo(notFound)).toEqual(errorInfo(new PortalLinkError('customer-not-found', { provider: 'Appstle' })));
    relay.answerNext({ status: 403, body: { error: { code: 'store-forbidden' } } });
    expect(await codeOf(copy())).toBe('relay-refused');
    const down = relayClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
      now: () => NOW,
      local: {
        ...area(),
        get: async () => ({ [RELAY_SESSION_KEY]: { url: RELAY, email: 'a@b.c', refreshToken: 'r', stores: [] } }),
      },
      session: area(),
    });
    const unreachable = await down.issueLink('relay:acme', { kind: 'id', id: '1' }).catch((e: unknown) => e);
    expect(errorInfo(unreachable).message).toContain("Can't reach the team relay (relay.acme.test)");
  });

  it('signs out: tokens gone, relay stores gone', async () => {
    const { handle, local, session } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const reply = await handle({ type: 'relay-sign-out' }, OPTIONS);
    expect(reply).toMatchObject({ ok: true });
    expect((reply as unknown as { settings: { stores: { id: string }[] } }).settings.stores.map((s) => s.id)).toEqual([
      'own',
    ]);
    expect(local.data).toEqual({});
    expect(session.data).toEqual({});
  });
});

describe('linkContext', () => {
  it('names the helpdesk host and ticket for Zendesk and Gorgias tickets, nothing elsewhere', () => {
    expect(linkContext('https://acme.zendesk.com/agent/tickets/4711')).toEqual({
      helpdeskHost: 'acme.zendesk.com',
      ticketId: '4711',
    });
    expect(linkContext('https://acme.zendesk.com/agent/dashboard')).toEqual({ helpdeskHost: 'acme.zendesk.com' });
    expect(linkContext('https://shop.example/orders/1')).toBeUndefined();
    expect(linkContext(undefined)).toBeUndefined();
  });
});
