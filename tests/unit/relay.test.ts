import { describe, expect, it } from 'vitest';
import { linkContext, RELAY_ACCESS_KEY, RELAY_SESSION_KEY, relayClient } from '../../lib/background/relay';
import { createRouter, type RouterDeps } from '../../lib/background/router';
import { parseManaged } from '../../lib/settings/managed';
import { mergeRelay, parseRelayUrl, type RelaySession } from '../../lib/settings/relay';
import { RELAY_LINK_TYPES_KEY } from '../../lib/settings/relay-link-type';
import { type Settings, toView } from '../../lib/settings/schema';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { errorInfo } from '../../lib/shared/errors';
import type { SenderLike } from '../../lib/shared/protocol';
import { appstleStore, memoryCache, NOW, ownSettings, testSealer } from './helpers';

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
  const state = {
    code: 'ABCD-EFGH',
    access: 'at-1',
    refresh: 'rt-1',
    removed: false,
    links: [] as unknown[],
    signedOut: [] as string[],
    stores: [{ id: 'acme', name: 'Acme', provider: 'appstle', helpdeskHosts: ['acme.zendesk.com'] }] as unknown[],
  };
  const calls: { path: string; auth?: string; body?: unknown }[] = [];
  let next: Reply | undefined;
  let held: Promise<void> | undefined;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const auth = new Headers(init?.headers).get('authorization') ?? undefined;
    calls.push({ path: url.pathname, auth, body });
    if (held && url.pathname.endsWith('links')) {
      const wait = held;
      held = undefined;
      await wait; // answered (and judged) only once released
    }
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
      if (url.pathname === '/v1/signout') {
        state.signedOut.push(body.refreshToken);
        return { status: 200, body: { signedOut: true } };
      }
      if (url.pathname === '/v1/stores') {
        return { status: 200, body: { stores: state.stores } };
      }
      state.links.push(body);
      if (body.action === 'email') return { status: 200, body: { emailed: true, to: body.customer.email } };
      if (url.pathname === '/v1/lasting-links') {
        return { status: 200, body: { url: `${RELAY}/l/AAAAAAAAAAAAAAAAAAAAAA`, expiresAt: NOW + 7 * 86_400_000 } };
      }
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
    /** The next /v1/links request waits for `until` before the relay looks at it. */
    holdNextLink: (until: Promise<void>) => {
      held = until;
    },
  };
}

function setup() {
  const relay = fakeRelay();
  const local = area();
  const session = area();
  const clock = { now: NOW };
  const client = relayClient({ fetch: relay.fetch, now: () => clock.now, local, session, sealer: testSealer() });
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
    sealedRefreshToken: 'sealed:v1:plr_refresh_secret',
    stores: [{ id: 'acme', name: 'Acme', provider: 'appstle', helpdeskHosts: ['acme.zendesk.com'] }],
  };
  it('come before local stores, take their helpdesk hosts, and show keyless and read-only', () => {
    const own = appstleStore({ id: 'own', helpdeskHosts: ['acme.zendesk.com', 'own.zendesk.com'] });
    const merged = mergeRelay(ownSettings({ stores: [own] }), session);
    expect(merged.stores.map((s) => [s.id, s.keySource, s.helpdeskHosts])).toEqual([
      ['acme', 'relay', ['acme.zendesk.com']],
      ['own', 'browser', ['own.zendesk.com']],
    ]);
    // What the relay said of the store, nothing more: no key, no provider settings.
    expect(merged.stores[0]).toEqual({ ...session.stores[0], keySource: 'relay' });
    const view = toView(merged);
    expect(view.relay).toEqual({ url: RELAY, email: 'ana@acme.test' });
    expect(view.stores[0]).toMatchObject({ id: 'acme', keySource: 'relay', apiKeyMask: '' });
    expect(JSON.stringify(view)).not.toContain('plr_refresh_secret');
  });
});

describe('relay client through the router', () => {
  it('signs in: access token in session storage, refresh token sealed in local storage, stores listed', async () => {
    const { handle, local, session } = setup();
    const reply = await handle({ type: 'relay-sign-in', url: `${RELAY}/`, code: 'ABCD-EFGH' }, OPTIONS);
    expect(reply).toMatchObject({ ok: true, settings: { relay: { url: RELAY, email: 'ana@acme.test' } } });
    expect(session.data[RELAY_ACCESS_KEY]).toEqual({ token: 'at-1', expiresAt: NOW + 600_000 });
    expect(local.data[RELAY_SESSION_KEY]).toMatchObject({ url: RELAY, sealedRefreshToken: expect.any(String) });
    expect(JSON.stringify(local.data)).not.toContain('rt-1');
    expect(JSON.stringify(reply)).not.toMatch(/at-1|rt-1/);
  });

  it('a refresh token stored in clear (before sealing) is sealed on the next read and still refreshes', async () => {
    const { handle, relay, clock, local } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const { sealedRefreshToken: _, ...rest } = local.data[RELAY_SESSION_KEY] as RelaySession;
    local.data[RELAY_SESSION_KEY] = { ...rest, refreshToken: 'rt-1' };
    clock.now += 11 * 60_000;
    const reply = await handle({ type: 'copy-link', customer: '12345', storeId: 'acme' }, OPTIONS);
    expect(reply).toMatchObject({ ok: true });
    expect(relay.calls.find((c) => c.path === '/v1/token')?.body).toEqual({ refreshToken: 'rt-1' });
    expect(JSON.stringify(local.data)).not.toMatch(/rt-\d/);
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
    const { handle, relay, copied, local } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    local.data[RELAY_LINK_TYPES_KEY] = { acme: 'direct' };
    for (let i = 0; i < 2; i++) {
      const reply = await handle({ type: 'copy-link', customer: { email: 'carla@example.com' } }, ZENDESK);
      expect(reply).toMatchObject({ ok: true, cached: false });
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

  it('hands out a lasting link by default (menu, copy and insert alike): the relay page, "works until"', async () => {
    const { handle, relay, copied, local } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const reply = await handle({ type: 'copy-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(reply).toMatchObject({ ok: true, lasting: true, expiresAt: NOW + 7 * 86_400_000 });
    expect(copied).toEqual([`${RELAY}/l/AAAAAAAAAAAAAAAAAAAAAA`]);
    const inserted = await handle({ type: 'get-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(inserted).toMatchObject({ ok: true, lasting: true, url: `${RELAY}/l/AAAAAAAAAAAAAAAAAAAAAA` });
    expect(relay.calls.filter((c) => c.path === '/v1/lasting-links').map((c) => c.body)).toEqual([
      {
        storeId: 'acme',
        customer: { email: 'carla@example.com' },
        context: { helpdeskHost: 'acme.zendesk.com', ticketId: '4711' },
      },
      {
        storeId: 'acme',
        customer: { email: 'carla@example.com' },
        context: { helpdeskHost: 'acme.zendesk.com', ticketId: '4711' },
      },
    ]);
    // Direct link for this store: the provider's own link, from /v1/links.
    local.data[RELAY_LINK_TYPES_KEY] = { acme: 'direct' };
    const direct = await handle({ type: 'copy-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(direct).toMatchObject({ ok: true, url: expect.stringMatching(/^https:\/\/acme\.myshopify\.com\//) });
    expect(direct).not.toHaveProperty('lasting');
    expect(relay.calls.at(-1)?.path).toBe('/v1/links');
  });

  it('refuses a "lasting link" that is not the relay\'s own page', async () => {
    const { handle, relay, copied } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    relay.answerNext({
      status: 200,
      body: { url: 'https://evil.example/l/AAAAAAAAAAAAAAAAAAAAAA', expiresAt: NOW + 1 },
    });
    const reply = await handle({ type: 'copy-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(reply).toMatchObject({ ok: false, error: { code: 'relay-refused' } });
    expect(copied).toEqual([]);
  });

  it('gives a ticket the link to insert (nothing copied), and has the relay email the customer', async () => {
    const { handle, relay, copied } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const inserted = await handle({ type: 'get-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(inserted).toMatchObject({ ok: true, cached: false, customer: 'carla@example.com' });
    expect(copied).toEqual([]);
    expect(relay.state.links).toHaveLength(1);
    // Appstle can email: a relay store of it can too, through the relay (which holds the key and audits).
    expect(await handle({ type: 'get-actions' }, ZENDESK)).toEqual({ ok: true, canEmail: true, ready: true });
    const emailed = await handle({ type: 'email-link', customer: { email: 'carla@example.com' } }, ZENDESK);
    expect(emailed).toEqual({ ok: true, to: 'carla@example.com' });
    expect(relay.calls.at(-1)).toMatchObject({
      path: '/v1/links',
      body: {
        storeId: 'acme',
        customer: { email: 'carla@example.com' },
        action: 'email',
        context: { helpdeskHost: 'acme.zendesk.com', ticketId: '4711' },
      },
    });
    expect(copied).toEqual([]);
  });

  it('never asks the relay to email a customer known only by id', async () => {
    const { handle, relay } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const calls = relay.calls.length;
    const emailed = await handle({ type: 'email-link', customer: { id: '12345' } }, ZENDESK);
    expect(emailed).toMatchObject({ ok: false, error: { code: 'email-needed' } });
    expect(relay.calls.length).toBe(calls);
  });

  it("keeps the relay's store ids and providers as GET /v1/stores gives them; an unknown provider's store is left out", async () => {
    const { handle, relay } = setup();
    const long = 'r'.repeat(64);
    relay.state.stores = [
      { id: long, name: 'Stay', provider: 'stayai', helpdeskHosts: ['stay.zendesk.com'] },
      { id: 'future', name: 'Future', provider: 'recharge', helpdeskHosts: [] },
    ];
    const reply = await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    expect(reply).toMatchObject({
      ok: true,
      settings: { stores: [{ id: long, provider: 'stayai', keySource: 'relay', apiKeyMask: '' }, { id: 'own' }] },
    });
    const copy = await handle({ type: 'copy-link', customer: 'jane@example.com', storeId: long }, OPTIONS);
    expect(copy).toMatchObject({ ok: true, lasting: true });
    expect(relay.calls.at(-1)?.body).toMatchObject({ storeId: long });
  });

  it('refreshes an expired access token once (rotating the refresh token) and goes on', async () => {
    const { handle, relay, clock } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    clock.now += 11 * 60_000;
    const reply = await handle({ type: 'copy-link', customer: '12345', storeId: 'acme' }, OPTIONS);
    expect(reply).toMatchObject({ ok: true });
    expect(relay.calls.map((c) => c.path)).toEqual(['/v1/enroll', '/v1/stores', '/v1/token', '/v1/lasting-links']);
    expect(relay.calls.at(-1)?.auth).toBe('Bearer at-2');
    expect(relay.calls.find((c) => c.path === '/v1/token')?.body).toEqual({ refreshToken: 'rt-1' });
  });

  it('two calls refused together refresh once; the later one uses the new token, never the spent refresh token', async () => {
    const { handle, relay, client } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    relay.state.access = 'at-5'; // the relay stops taking at-1 before our clock says it expired
    let release = () => {};
    relay.holdNextLink(new Promise<void>((resolve) => (release = resolve)));
    const copy = () => client.issueLink('acme', { kind: 'email', email: 'carla@example.com' });
    const first = copy(); // sent with at-1, answered 401 only after the second has refreshed
    await expect(copy()).resolves.toMatchObject({ expiresAt: expect.any(Number) });
    release();
    await expect(first).resolves.toMatchObject({ expiresAt: expect.any(Number) });
    expect(relay.calls.filter((c) => c.path === '/v1/token')).toHaveLength(1);
    expect(relay.calls.filter((c) => c.path === '/v1/lasting-links').map((c) => c.auth)).toEqual([
      'Bearer at-1',
      'Bearer at-1',
      'Bearer at-6',
      'Bearer at-6',
    ]);
  });

  it('a removed agent is told so on every action, each one reaches the relay, and the address is kept', async () => {
    const { handle, relay, client } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    relay.state.removed = true;
    // The popup refreshes the relay's store list behind get-settings: refused, the stores stay.
    await expect(client.refreshStores()).rejects.toMatchObject({ code: 'relay-removed' });
    const removed = errorInfo(new PortalLinkError('relay-removed'));
    for (const sender of [ZENDESK, OPTIONS]) {
      const reply = await handle({ type: 'copy-link', customer: { email: 'carla@example.com' } }, sender);
      expect(reply).toEqual({ ok: false, error: removed });
    }
    expect(relay.calls.filter((c) => c.path === '/v1/lasting-links')).toHaveLength(2);
    const view = await handle({ type: 'get-settings' }, OPTIONS);
    expect(view).toMatchObject({
      ok: true,
      settings: { relay: { url: RELAY, email: 'ana@acme.test', removed: true }, stores: [{ id: 'acme' }, {}] },
    });
  });

  it('maps rate limits (with Retry-After), provider errors and an unreachable relay to clear messages', async () => {
    const { handle, relay, client } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const copy = () => client.issueLink('acme', { kind: 'email', email: 'carla@example.com' });
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
      sealer: testSealer(),
    });
    const unreachable = await down.issueLink('acme', { kind: 'id', id: '1' }).catch((e: unknown) => e);
    expect(errorInfo(unreachable).message).toContain("Can't reach the team relay (relay.acme.test)");
  });

  it('signs out at the relay (refresh token in the body, access token as Bearer), then here', async () => {
    const { handle, local, session, relay } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    const reply = await handle({ type: 'relay-sign-out' }, OPTIONS);
    expect(reply).toMatchObject({ ok: true });
    expect(relay.calls.at(-1)).toEqual({ path: '/v1/signout', auth: 'Bearer at-1', body: { refreshToken: 'rt-1' } });
    expect(relay.state.signedOut).toEqual(['rt-1']);
    expect((reply as unknown as { settings: { stores: { id: string }[] } }).settings.stores.map((s) => s.id)).toEqual([
      'own',
    ]);
    expect(local.data).toEqual({});
    expect(session.data).toEqual({});
  });
});

describe('relay sign out', () => {
  it('signs out here even when the relay cannot be reached or refuses', async () => {
    const { handle, local, relay } = setup();
    await handle({ type: 'relay-sign-in', url: RELAY, code: 'ABCD-EFGH' }, OPTIONS);
    relay.answerNext({ status: 404, body: { error: { code: 'not-found' } } });
    expect(await handle({ type: 'relay-sign-out' }, OPTIONS)).toMatchObject({ ok: true });
    expect(local.data).toEqual({});
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
