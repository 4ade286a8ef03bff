import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  cacheKey,
  getPortalLink,
  REUSE_WINDOW_MS,
  removedLinkKeys,
  resolveQuery,
  sessionLinkCache,
  testConnection,
} from '../../lib/background/link-service';
import type { HttpDeps } from '../../lib/providers/http';
import type { Store } from '../../lib/providers/registry';
import type { CustomerQuery, CustomerRef } from '../../lib/shared/customer';
import { type ErrorCode, PortalLinkError } from '../../lib/shared/error-codes';
import { errorInfo } from '../../lib/shared/errors';
import {
  APPSTLE_KEY,
  appstleStore,
  appstleToken,
  fakeHttp,
  GIGSTACK_KEY,
  gigstackReply,
  gigstackStore,
  headersOf,
  json,
  memoryCache,
  NOW,
  rejectionOf,
  type Step,
  status,
  text,
} from './helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Appstle replies whose token is stamped with the fake clock's current time (so expiry = now + 2 h). */
const freshAppstle: Step = (_call, http) => json({ customerId: 12345, token: appstleToken({}, http.clock.now) });
/** gigstack replies expiring five days after the fake clock's current time. */
const freshGigstack: Step = (_call, http) =>
  json({ data: { url: `https://portal.gigstack.io/s/${http.calls.length}`, expires_at: http.clock.now + 5 * DAY } });

describe('resolveQuery', () => {
  it.each<[string, Store, string | CustomerRef, CustomerQuery]>([
    ['Appstle typed email', appstleStore(), ' jane@example.com ', { kind: 'email', email: 'jane@example.com' }],
    ['Appstle typed id', appstleStore(), '12345', { kind: 'id', id: '12345' }],
    ['Appstle typed gid', appstleStore(), 'gid://shopify/Customer/12345', { kind: 'id', id: '12345' }],
    [
      'Appstle detected id + email',
      appstleStore(),
      { id: '12345', email: 'jane@example.com' },
      { kind: 'id', id: '12345' },
    ],
    [
      'Appstle detected email only',
      appstleStore(),
      { email: 'jane@example.com' },
      { kind: 'email', email: 'jane@example.com' },
    ],
    ['gigstack typed id', gigstackStore(), 'cus_1', { kind: 'id', id: 'cus_1' }],
    [
      'gigstack detected Shopify id falls back to email',
      gigstackStore(),
      { id: '12345', email: 'j@x.co' },
      { kind: 'email', email: 'j@x.co' },
    ],
  ])('%s', (_label, store, customer, expected) => {
    expect(resolveQuery(store, customer)).toEqual(expected);
  });

  it.each<[string, Store, string | CustomerRef, ErrorCode, string]>([
    ['typed garbage', appstleStore(), 'not a customer', 'invalid-customer', 'Appstle'],
    ['typed empty', appstleStore(), '', 'invalid-customer', 'Appstle'],
    ['typed gigstack id for Appstle', appstleStore(), 'cus_1', 'invalid-customer', 'Appstle'],
    ['typed Shopify id for gigstack', gigstackStore(), '12345', 'invalid-customer', 'gigstack'],
    ['nothing detected', appstleStore(), {}, 'no-customer', 'Appstle'],
    ['junk detected', gigstackStore(), { id: '12345', email: 'nope' }, 'no-customer', 'gigstack'],
  ])('%s → %s', (_label, store, customer, code, provider) => {
    let error: unknown;
    try {
      resolveQuery(store, customer);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PortalLinkError);
    expect((error as PortalLinkError).code).toBe(code);
    expect((error as PortalLinkError).context.provider).toBe(provider);
  });
});

describe('cacheKey', () => {
  const query: CustomerQuery = { kind: 'id', id: '42' };

  it('depends on what mints the link, not on the store id, name or helpdesk accounts', () => {
    const store = appstleStore({ id: 's1', name: 'Acme', helpdeskHosts: ['acme.zendesk.com'] });
    expect(cacheKey(appstleStore({ id: 's2', name: 'Other', helpdeskHosts: [] }), query)).toBe(cacheKey(store, query));
    // Object key order does not matter either (managed and local stores are built differently).
    const reordered = Object.fromEntries(Object.entries(store).reverse()) as Store;
    expect(cacheKey(reordered, query)).toBe(cacheKey(store, query));
  });

  it.each<[string, Store]>([
    ['another key', appstleStore({ apiKey: 'apst_live_OTHER_000000000' })],
    ['another store domain', appstleStore({ storeDomain: 'other.myshopify.com' })],
    ['another template', appstleStore({ portalUrlTemplate: 'https://{storeDomain}/portal?t={token}' })],
    ['another provider', gigstackStore({ apiKey: appstleStore().apiKey })],
  ])('changes with %s', (_label, changed) => {
    expect(cacheKey(changed, query)).not.toBe(cacheKey(appstleStore(), query));
  });

  it('changes with the gigstack team', () => {
    expect(cacheKey(gigstackStore({ team: 't2' }), query)).not.toBe(cacheKey(gigstackStore({ team: 't1' }), query));
  });

  it('names the customer and never contains the key', () => {
    const key = cacheKey(appstleStore(), { kind: 'email', email: 'Jane@Example.com' });
    expect(key).toMatch(/^link:[0-9a-z]+:email:jane@example\.com$/);
    expect(key).not.toContain(APPSTLE_KEY);
  });
});

describe('getPortalLink: cache', () => {
  it('issues, stores {url, expiresAt, issuedAt}, then reuses a repeat with cached: true and the original expiry', async () => {
    const http = fakeHttp([freshAppstle]);
    const cache = memoryCache();
    const store = appstleStore();
    const first = await getPortalLink(store, '12345', { http, cache });
    expect(first.cached).toBe(false);
    expect(first.expiresAt).toBe(NOW + 2 * HOUR);
    expect(cache.map.get(cacheKey(store, { kind: 'id', id: '12345' }))).toEqual({
      url: first.url,
      expiresAt: first.expiresAt,
      issuedAt: NOW,
    });

    http.clock.now += 30_000;
    const second = await getPortalLink(store, '12345', { http, cache });
    expect(second).toEqual({
      url: first.url,
      expiresAt: first.expiresAt,
      cached: true,
      providerMs: 0, // nothing was asked
      customer: '12345',
    });
    expect(first.providerMs).toBeGreaterThanOrEqual(0);
    expect(http.calls).toHaveLength(1);
  });

  it.each<[string, Store, Step]>([
    ['Appstle (2 h links)', appstleStore(), freshAppstle],
    ['gigstack (5-day links)', gigstackStore(), freshGigstack],
  ])('%s: reused only within 2 minutes of minting, then a fresh link', async (_label, store, step) => {
    const http = fakeHttp([step]);
    const cache = memoryCache();
    const first = await getPortalLink(store, 'jane@example.com', { http, cache });
    http.clock.now += REUSE_WINDOW_MS - 1;
    expect(await getPortalLink(store, 'jane@example.com', { http, cache })).toMatchObject({
      cached: true,
      url: first.url,
    });
    http.clock.now += 1;
    const fresh = await getPortalLink(store, 'jane@example.com', { http, cache });
    expect(fresh.cached).toBe(false);
    expect(http.calls).toHaveLength(2);
    // The new link starts its own window: a repeat right after it is served again.
    expect((await getPortalLink(store, 'jane@example.com', { http, cache })).cached).toBe(true);
  });

  it('a link about to expire is not handed out again, even within the window', async () => {
    const http = fakeHttp([gigstackReply({ expires_at: NOW + 90_000 })]);
    const cache = memoryCache();
    await getPortalLink(gigstackStore(), 'cus_1', { http, cache });
    const again = await getPortalLink(gigstackStore(), 'cus_1', { http, cache });
    expect(again.cached).toBe(false);
    expect(http.calls).toHaveLength(2);
  });

  it.each<[string, string | CustomerRef, string | CustomerRef, boolean]>([
    ['the same email in other case', 'Jane@Example.com', ' jane@example.COM ', true],
    ['numeric id and gid', '12345', 'gid://shopify/Customer/12345', true],
    ['typed id and detected id', '12345', { id: '12345', email: 'other@example.com' }, true],
    ['leading zeros', '0012345', '12345', true],
    ['id vs email of the same customer', '12345', 'jane@example.com', false],
    ['two ids', '12345', '12346', false],
  ])('%s share a cache entry: %s', async (_label, a, b, shared) => {
    const http = fakeHttp([freshAppstle]);
    const cache = memoryCache();
    await getPortalLink(appstleStore(), a, { http, cache });
    const second = await getPortalLink(appstleStore(), b, { http, cache });
    expect(second.cached).toBe(shared);
    expect(http.calls).toHaveLength(shared ? 1 : 2);
  });

  it('two stores with different keys are two links for the same customer', async () => {
    const http = fakeHttp([freshAppstle]);
    const cache = memoryCache();
    const one = appstleStore({ id: 'one', apiKey: 'key-one-123456' });
    const two = appstleStore({ id: 'two', apiKey: 'key-two-123456', helpdeskHosts: [] });
    expect((await getPortalLink(one, '12345', { http, cache })).cached).toBe(false);
    expect((await getPortalLink(two, '12345', { http, cache })).cached).toBe(false);
    expect((await getPortalLink(one, '12345', { http, cache })).cached).toBe(true);
    expect((await getPortalLink(two, '12345', { http, cache })).cached).toBe(true);
    expect(http.calls.map((c) => headersOf(c)['x-api-key'])).toEqual(['key-one-123456', 'key-two-123456']);
  });

  it("a store that takes over an id (an administrator's store) never gets the old store's link", async () => {
    const http = fakeHttp([freshAppstle]);
    const cache = memoryCache();
    const local = appstleStore({ id: 'shared-id', apiKey: 'key-local-123456' });
    const managed = appstleStore({ id: 'shared-id', apiKey: 'key-admin-123456', storeDomain: 'hq.myshopify.com' });
    await getPortalLink(local, '12345', { http, cache });
    const link = await getPortalLink(managed, '12345', { http, cache });
    expect(link.cached).toBe(false);
    expect(headersOf(http.calls[1])['x-api-key']).toBe('key-admin-123456');
  });

  it('a link minted while the settings changed is not stored (the write from before is dropped)', async () => {
    const cache = memoryCache();
    let release: () => void = () => undefined;
    const slow: Step = (_call, http) =>
      new Promise<Response>((resolve) => {
        release = () => resolve(json({ customerId: 12345, token: appstleToken({}, http.clock.now) }));
      });
    const http = fakeHttp([slow, freshAppstle]);
    const inFlight = getPortalLink(appstleStore(), '12345', { http, cache });
    await new Promise((r) => setTimeout(r, 0));
    await cache.invalidate(); // save-settings or a policy change, while the provider answers
    release();
    expect((await inFlight).cached).toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    expect(cache.map.size).toBe(0);
    expect((await getPortalLink(appstleStore(), '12345', { http, cache })).cached).toBe(false);
    expect(http.calls).toHaveLength(2);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'https://acme.com'],
    ['no url', { expiresAt: NOW + 3 * HOUR, issuedAt: NOW }],
    ['a non-URL', { url: 'not a url', expiresAt: NOW + 3 * HOUR, issuedAt: NOW }],
    ['a string expiry', { url: 'https://acme.com/x', expiresAt: String(NOW + 3 * HOUR), issuedAt: NOW }],
    ['no issue time (written by an older version)', { url: 'https://acme.com/x', expiresAt: NOW + 3 * HOUR }],
  ])('an unusable cache entry (%s) is replaced', async (_label, entry) => {
    const key = cacheKey(appstleStore(), { kind: 'id', id: '12345' });
    const cache = memoryCache({ [key]: entry });
    const http = fakeHttp([freshAppstle]);
    const link = await getPortalLink(appstleStore(), '12345', { http, cache });
    expect(link.cached).toBe(false);
    expect(http.calls).toHaveLength(1);
    expect(cache.map.get(key)).toEqual({ url: link.url, expiresAt: link.expiresAt, issuedAt: NOW });
  });

  it('failures are not cached', async () => {
    const http = fakeHttp([json({ message: 'nope' }, 404), freshAppstle]);
    const cache = memoryCache();
    const error = await rejectionOf(getPortalLink(appstleStore(), '12345', { http, cache }));
    expect(errorInfo(error).code).toBe('customer-not-found');
    expect(cache.sets).toEqual([]);
    const link = await getPortalLink(appstleStore(), '12345', { http, cache });
    expect(link.cached).toBe(false);
    expect(http.calls).toHaveLength(2);
  });

  it('invalid input fails before the cache or the network', async () => {
    const http = fakeHttp([freshAppstle]);
    const cache = memoryCache();
    const error = await rejectionOf(getPortalLink(appstleStore(), 'Jane Doe', { http, cache }));
    expect(errorInfo(error).code).toBe('invalid-customer');
    expect(http.calls).toHaveLength(0);
    expect(cache.sets).toEqual([]);
  });

  it('the cache never holds the key', async () => {
    const cache = memoryCache();
    await getPortalLink(appstleStore(), '12345', { http: fakeHttp([freshAppstle]), cache });
    await getPortalLink(gigstackStore(), 'cus_1', { http: fakeHttp([freshGigstack]), cache });
    const dump = JSON.stringify([...cache.map]);
    expect(dump).not.toContain(APPSTLE_KEY);
    expect(dump).not.toContain(GIGSTACK_KEY);
  });
});

describe('testConnection', () => {
  it.each<[string, Step[], true | ErrorCode]>([
    ['404 → key accepted', [json({ title: 'Not Found' }, 404)], true],
    ['400 → key accepted', [json({ message: 'Invalid customer id' }, 400)], true],
    ['400 not found → key accepted', [json({ detail: 'Customer not found' }, 400)], true],
    ['200 → key accepted', [freshAppstle], true],
    ['401 → key rejected', [json({ message: 'Unauthorized' }, 401)], 'key-rejected'],
    ['403 → key rejected', [text('Forbidden', 403)], 'key-rejected'],
    ['500 → provider down', [status(500)], 'provider-down'],
    ['503 → provider down', [status(503)], 'provider-down'],
    ['429 → rate limited', [status(429)], 'rate-limited'],
    ['timeout', [new DOMException('t', 'TimeoutError')], 'timeout'],
    ['network', [new TypeError('Failed to fetch')], 'provider-down'],
    ['200 garbage → bad response', [text('<html>', 200)], 'bad-response'],
  ])('Appstle: %s', async (_label, script, expected) => {
    const http = fakeHttp(script);
    const result = await testConnection(appstleStore(), http);
    if (expected === true) expect(result).toEqual({ ok: true });
    else {
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe(expected);
    }
  });

  it.each<[string, Step[], true | ErrorCode, number]>([
    ['404 → key accepted', [json({ message: 'Client not found' }, 404)], true, 1],
    ['400 → key accepted', [json({ error: { code: 'bad', message: 'bad id' } }, 400)], true, 1],
    ['401 → key rejected', [json({ message: 'Invalid token' }, 401)], 'key-rejected', 1],
    ['403 → key rejected', [json({}, 403)], 'key-rejected', 1],
    ['500 → provider down, not retried', [status(500)], 'provider-down', 1],
    ['429 → rate limited', [status(429)], 'rate-limited', 1],
  ])('gigstack: %s', async (_label, script, expected, calls) => {
    const http = fakeHttp(script);
    const result = await testConnection(gigstackStore(), http);
    if (expected === true) expect(result).toEqual({ ok: true });
    else expect(!result.ok && result.error.code).toBe(expected);
    expect(http.calls).toHaveLength(calls);
  });

  it('Appstle probes a customer id that cannot exist', async () => {
    const http = fakeHttp([status(404)]);
    await testConnection(appstleStore(), http);
    expect([...new URL(http.calls[0]?.url ?? '').searchParams]).toEqual([['customerId', '1']]);
    expect(headersOf(http.calls[0])['x-api-key']).toBe(APPSTLE_KEY);
  });

  it('gigstack probes a client id that cannot exist', async () => {
    const http = fakeHttp([status(404)]);
    await testConnection(gigstackStore({ team: 't1' }), http);
    expect(JSON.parse(String(http.calls[0]?.init.body))).toEqual({ id: 'client_portal_link_connection_test' });
    expect(http.calls[0]?.url).toBe('https://api.gigstack.io/v2/clients/customerportal?team=t1');
  });

  it('a missing key is reported without a request', async () => {
    const http = fakeHttp([status(404)]);
    const result = await testConnection(appstleStore({ apiKey: '' }), http);
    expect(!result.ok && result.error.code).toBe('key-missing');
    expect(http.calls).toHaveLength(0);
  });

  it('an unexpected exception becomes internal', async () => {
    const http: HttpDeps = {
      ...fakeHttp([status(404)]),
      now: () => {
        throw new Error(`clock broke ${APPSTLE_KEY}`);
      },
    };
    const result = await testConnection(appstleStore(), http);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('internal');
      expect(errorInfo(result.error).message).not.toContain(APPSTLE_KEY);
    }
  });
});

describe('sessionLinkCache (storage.session)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('gets what it sets, in storage.session only, and undefined for a miss', async () => {
    const cache = sessionLinkCache(fakeBrowser.storage.session);
    const value = { url: 'https://acme.com/p', expiresAt: NOW, issuedAt: NOW };
    await cache.set('link:a:id:1', value, cache.generation());
    expect(await cache.get('link:a:id:1')).toEqual(value);
    expect(await cache.get('link:a:id:2')).toBeUndefined();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('invalidate drops links only, and any write begun before it', async () => {
    await fakeBrowser.storage.session.set({ 'link:a:id:1': 1, 'link:b:email:x@y.co': 2, other: 3, 'xlink:': 4 });
    const cache = sessionLinkCache(fakeBrowser.storage.session);
    const before = cache.generation();
    await cache.invalidate();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({ other: 3, 'xlink:': 4 });
    await cache.set('link:a:id:1', 5, before);
    expect(await cache.get('link:a:id:1')).toBeUndefined();
    await cache.set('link:a:id:1', 6, cache.generation());
    expect(await cache.get('link:a:id:1')).toBe(6);
  });

  it('survives a "worker restart": a new cache over the same area reuses the link', async () => {
    const http = fakeHttp([freshAppstle]);
    const first = await getPortalLink(appstleStore(), '12345', {
      http,
      cache: sessionLinkCache(fakeBrowser.storage.session),
    });
    const again = await getPortalLink(appstleStore(), '12345', {
      http,
      cache: sessionLinkCache(fakeBrowser.storage.session),
    });
    expect(again).toEqual({ ...first, cached: true, providerMs: 0 });
    expect(http.calls).toHaveLength(1);
  });
});

describe('sessionLinkCache in memory', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('reads the stored copy once per worker life; after that hits and misses read no storage', async () => {
    await fakeBrowser.storage.session.set({ 'link:a:id:0': 0 }); // left by the worker before a restart
    const cache = sessionLinkCache(fakeBrowser.storage.session);
    const get = vi.spyOn(fakeBrowser.storage.session, 'get');
    expect(await cache.get('link:a:id:0')).toBe(0);
    await cache.set('link:a:id:1', 1, cache.generation());
    expect(await fakeBrowser.storage.session.get('link:a:id:1')).toEqual({ 'link:a:id:1': 1 }); // written behind
    get.mockClear();
    expect(await cache.get('link:a:id:1')).toBe(1);
    expect(await cache.get('link:a:id:2')).toBeUndefined();
    expect(get).not.toHaveBeenCalled();
  });

  it('a link removed from the stored copy by someone else is forgotten once told (storage.onChanged)', async () => {
    const cache = sessionLinkCache(fakeBrowser.storage.session);
    await cache.set('link:a:id:1', 1, cache.generation());
    await fakeBrowser.storage.session.clear();
    cache.forget(removedLinkKeys({ 'link:a:id:1': { oldValue: 1 }, settings: { oldValue: 2 } }));
    expect(await cache.get('link:a:id:1')).toBeUndefined();
  });

  it('removedLinkKeys: only link keys, only removals', () => {
    expect(
      removedLinkKeys({
        'link:a': { oldValue: 1 },
        'link:b': { oldValue: 1, newValue: 2 },
        relay: { oldValue: 1 },
      }),
    ).toEqual(['link:a']);
  });
});
