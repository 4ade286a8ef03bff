import { describe, expect, it, vi } from 'vitest';
import { copyPortalLink } from '../../lib/background/link-source';
import type { RelayClient } from '../../lib/background/relay';
import { answerOnPort, createRouter, policyChanged, type RouterDeps } from '../../lib/background/router';
import { memo } from '../../lib/background/settings-memo';
import { type ManagedState, managedReader, parseManaged } from '../../lib/settings/managed';
import type { RelaySession } from '../../lib/settings/relay';
import { maskKey, type Settings, settingsSchema } from '../../lib/settings/schema';
import { type ErrorCode, PortalLinkError } from '../../lib/shared/error-codes';
import type { SenderLike } from '../../lib/shared/protocol';
import {
  APPSTLE_KEY,
  appstleStore,
  appstleToken,
  type FakeHttp,
  fakeHttp,
  GIGSTACK_KEY,
  gigstackReply,
  gigstackStore,
  headersOf,
  json,
  type MemoryCache,
  memoryCache,
  NOW,
  own,
  ownSettings,
  rejectionOf,
  type Step,
  status,
  text,
} from './helpers';

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT_ORIGIN = `chrome-extension://${RUNTIME_ID}`;

const POPUP: SenderLike = { id: RUNTIME_ID, url: `${EXT_ORIGIN}/popup.html` };
const OPTIONS: SenderLike = { id: RUNTIME_ID, origin: EXT_ORIGIN, url: `${EXT_ORIGIN}/options.html` };
const contentScript = (host: string): SenderLike => ({
  id: RUNTIME_ID,
  origin: `https://${host}`,
  url: `https://${host}/agent/tickets/42`,
  tab: { id: 9, url: `https://${host}/agent/tickets/42` },
  frameId: 0,
});
const ZENDESK = contentScript('acme.zendesk.com');
const GORGIAS = contentScript('beta.gorgias.com');
const UNMAPPED = contentScript('other.zendesk.com');
const OTHER_EXTENSION: SenderLike = { id: 'zyxwvutsrqponmlkzyxwvutsrqponmlk', url: `${EXT_ORIGIN}/popup.html` };
const WEB_PAGE: SenderLike = { id: RUNTIME_ID, origin: 'https://evil.example', tab: { id: 1 }, frameId: 0 };
const SUBFRAME: SenderLike = { ...ZENDESK, frameId: 2 };

const appstleA = appstleStore({ id: 'a', name: 'Acme', helpdeskHosts: ['acme.zendesk.com'] });
const gigstackB = gigstackStore({ id: 'b', name: 'Beta', helpdeskHosts: ['beta.gorgias.com'] });
const TWO_STORES: Settings = { stores: [appstleA, gigstackB], defaultStoreId: 'a' };

const freshAppstle: Step = (_call, http) => json({ customerId: 12345, token: appstleToken({}, http.clock.now) });

interface Harness {
  deps: RouterDeps;
  http: FakeHttp;
  cache: MemoryCache;
  copied: string[];
  saved: Settings[];
  stored: { settings: Settings | Error };
  handle: ReturnType<typeof createRouter>;
}

function harness(
  options: { settings?: Settings | Error; script?: Step[]; copyError?: unknown; managed?: ManagedState } = {},
): Harness {
  const http = fakeHttp(options.script ?? [freshAppstle]);
  const cache = memoryCache();
  const copied: string[] = [];
  const saved: Settings[] = [];
  const stored = { settings: options.settings ?? TWO_STORES };
  const deps: RouterDeps = {
    runtimeId: RUNTIME_ID,
    extensionOrigin: EXT_ORIGIN,
    loadSettings: async () => {
      if (stored.settings instanceof Error) throw stored.settings;
      return structuredClone(stored.settings);
    },
    saveSettings: async (settings) => {
      const valid = settingsSchema.parse(settings);
      saved.push(valid);
      stored.settings = valid;
      return valid;
    },
    ...(options.managed ? { loadManaged: async () => structuredClone(options.managed as ManagedState) } : {}),
    http,
    cache,
    copy: async (text) => {
      if (options.copyError !== undefined) throw options.copyError;
      copied.push(text);
    },
  };
  return { deps, http, cache, copied, saved, stored, handle: createRouter(deps) };
}

type Reply = Awaited<ReturnType<ReturnType<typeof createRouter>>>;
function errorCode(reply: Reply): ErrorCode | undefined {
  return reply.ok ? undefined : reply.error.code;
}

const copyMsg = (customer: unknown, storeId?: string) => ({ type: 'copy-link', customer, storeId });

describe('router: senders', () => {
  it.each<[string, unknown, SenderLike]>([
    ['copy from another extension', copyMsg('12345'), OTHER_EXTENSION],
    ['copy from a web page', copyMsg('12345'), WEB_PAGE],
    ['copy from a helpdesk subframe', copyMsg('12345'), SUBFRAME],
    ['get-settings from another extension', { type: 'get-settings' }, OTHER_EXTENSION],
    ['get-settings from a content script', { type: 'get-settings' }, ZENDESK],
    ['save-settings from a content script', { type: 'save-settings', settings: { stores: [] } }, GORGIAS],
    ['test-connection from a content script', { type: 'test-connection', store: appstleA }, ZENDESK],
    ['garbage from a web page (sender checked first)', 'garbage', WEB_PAGE],
    ['anything from a sender without id', { type: 'get-settings' }, { url: `${EXT_ORIGIN}/popup.html` }],
  ])('%s → forbidden-sender, with no side effects', async (_label, message, sender) => {
    const h = harness();
    const reply = await h.handle(message, sender);
    expect(reply).toEqual({
      ok: false,
      error: { code: 'forbidden-sender', message: 'This page is not allowed to ask Portal Link for links.' },
    });
    expect(h.http.calls).toHaveLength(0);
    expect(h.copied).toEqual([]);
    expect(h.saved).toEqual([]);
  });
});

describe('router: get-actions and open-settings (the in-page button’s set-up state)', () => {
  it('get-actions says whether a store serves the tab: none set up → not ready', async () => {
    expect(await harness().handle({ type: 'get-actions' }, ZENDESK)).toEqual({ ok: true, canEmail: true, ready: true });
    const empty = harness({ settings: { stores: [] } as unknown as Settings });
    expect(await empty.handle({ type: 'get-actions' }, ZENDESK)).toEqual({ ok: true, canEmail: false, ready: false });
  });

  it('open-settings opens our settings page for a helpdesk content script; a web page or subframe gets nothing', async () => {
    const h = harness();
    let opened = 0;
    const handle = createRouter({ ...h.deps, openSettings: async () => void opened++ });
    expect(await handle({ type: 'open-settings' }, ZENDESK)).toEqual({ ok: true });
    expect(opened).toBe(1);
    for (const sender of [WEB_PAGE, SUBFRAME, OTHER_EXTENSION]) {
      expect(await handle({ type: 'open-settings' }, sender)).toMatchObject({
        ok: false,
        error: { code: 'forbidden-sender' },
      });
    }
    expect(opened).toBe(1);
  });
});

describe('router: invalid messages', () => {
  const throwingGetter = Object.defineProperty({}, 'type', {
    get() {
      throw new Error('boom');
    },
    enumerable: true,
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'copy-portal-link'],
    ['an array', []],
    ['an empty object', {}],
    ['an unknown type', { type: 'get-api-key' }],
    ['copy without customer', { type: 'copy-link' }],
    ['copy with a numeric customer', copyMsg(12345)],
    ['copy with an oversized customer', copyMsg('x'.repeat(2000))],
    [
      'save-settings with a duplicate host',
      {
        type: 'save-settings',
        settings: { stores: [appstleA, { ...gigstackB, helpdeskHosts: ['acme.zendesk.com'] }] },
      },
    ],
    ['save-settings without settings', { type: 'save-settings' }],
    [
      'save-settings with an http template',
      { type: 'save-settings', settings: { stores: [{ ...appstleA, portalUrlTemplate: 'http://x/{token}' }] } },
    ],
    ['test-connection with a bad store', { type: 'test-connection', store: { provider: 'recharge' } }],
    ['test-connection with no store', { type: 'test-connection' }],
    [
      'test-connection with an http template',
      { type: 'test-connection', store: { ...appstleA, portalUrlTemplate: 'http://x/{token}' } },
    ],
  ])('%s → an invalid-message reply, never a throw', async (_label, message) => {
    const h = harness();
    const reply = await h.handle(message, POPUP);
    expect(errorCode(reply)).toBe('invalid-message');
    expect(!reply.ok && reply.error.message).toBe(
      'Portal Link received a request it does not understand. Reload the page.',
    );
    expect(h.http.calls).toHaveLength(0);
    expect(h.saved).toEqual([]);
  });

  it('a message that throws while being read still gets an error reply', async () => {
    const h = harness();
    const reply = await h.handle(throwingGetter, POPUP);
    expect(reply.ok).toBe(false);
  });
});

describe('router: copy-link', () => {
  it('copies for typed text from the popup and reports the link', async () => {
    const h = harness();
    const reply = await h.handle(copyMsg('12345'), POPUP);
    expect(reply).toEqual({
      ok: true,
      url: `https://acme-shop.myshopify.com/tools/recurring/customer_portal?token=${appstleToken()}`,
      expiresAt: NOW + 2 * 3600_000,
      cached: false,
      customer: '12345',
      providerMs: expect.any(Number),
    });
    expect(h.copied).toEqual([reply.ok ? reply.url : '']);
  });

  it('a second copy is served from the cache and still copied', async () => {
    const h = harness();
    await h.handle(copyMsg('12345'), POPUP);
    const again = await h.handle(copyMsg('gid://shopify/Customer/12345'), ZENDESK);
    expect(again).toMatchObject({ ok: true, cached: true, expiresAt: NOW + 2 * 3600_000 });
    expect(h.http.calls).toHaveLength(1);
    expect(h.copied).toHaveLength(2);
  });

  it.each<[string, SenderLike, string | undefined, string]>([
    ['popup, no store id → the default store', POPUP, undefined, 'Acme'],
    ['popup picks store b', POPUP, 'b', 'Beta'],
    ['popup picks store a', POPUP, 'a', 'Acme'],
    ['Zendesk content script → its mapped store', ZENDESK, undefined, 'Acme'],
    ['Gorgias content script → its mapped store', GORGIAS, undefined, 'Beta'],
    ['a content script cannot choose another store', ZENDESK, 'b', 'Acme'],
    ['a content script cannot choose another store (2)', GORGIAS, 'a', 'Beta'],
    ['an unmapped helpdesk → the default store', UNMAPPED, 'b', 'Acme'],
  ])('%s', async (_label, sender, storeId, storeName) => {
    const h = harness({ script: [freshAppstle] });
    // gigstack answers its own POSTs; Appstle its GETs.
    h.http.script = [
      (call, http) =>
        call.init.method === 'POST' ? gigstackReply() : json({ token: appstleToken({}, http.clock.now) }),
    ];
    const customer = storeName === 'Beta' ? 'jane@example.com' : '12345';
    const reply = await h.handle(copyMsg(customer, storeId), sender);
    expect(reply).toMatchObject({ ok: true });
    const host = new URL(h.http.calls[0]?.url ?? '').hostname;
    expect(host).toBe(storeName === 'Beta' ? 'api.gigstack.io' : 'subscription-admin.appstle.com');
  });

  it('resolves the content script store by host case-insensitively', async () => {
    const h = harness({ script: [gigstackReply()] });
    const reply = await h.handle(copyMsg('jane@example.com'), contentScript('BETA.Gorgias.com'));
    expect(reply).toMatchObject({ ok: true });
    expect(headersOf(h.http.calls[0]).authorization).toBe(`Bearer ${GIGSTACK_KEY}`);
  });

  it('accepts a detected customer from a content script', async () => {
    const h = harness();
    const reply = await h.handle(
      copyMsg({ id: 'gid://shopify/Customer/12345', email: 'jane@example.com', name: 'Jane' }),
      ZENDESK,
    );
    expect(reply.ok).toBe(true);
    expect(new URL(h.http.calls[0]?.url ?? '').searchParams.get('customerId')).toBe('12345');
  });

  it.each<[string, Settings | Error, unknown, ErrorCode]>([
    ['no stores', { stores: [] }, copyMsg('12345'), 'no-store'],
    ['an unknown store id from the popup', TWO_STORES, copyMsg('12345', 'gone'), 'no-store'],
    ['broken settings', new PortalLinkError('settings-invalid'), copyMsg('12345'), 'settings-invalid'],
    ['a storage crash', new Error('IO error'), copyMsg('12345'), 'internal'],
    ['typed garbage', TWO_STORES, copyMsg('Jane Doe'), 'invalid-customer'],
    ['nothing detected', TWO_STORES, copyMsg({ name: 'Jane' }), 'no-customer'],
    ['a store without key', { stores: [{ ...appstleA, apiKey: '' }] }, copyMsg('12345'), 'key-missing'],
  ])('%s → %s, nothing copied or fetched', async (_label, settings, message, code) => {
    const h = harness({ settings });
    const reply = await h.handle(message, POPUP);
    expect(errorCode(reply)).toBe(code);
    expect(h.copied).toEqual([]);
    expect(h.http.calls).toHaveLength(0);
  });

  it.each<[string, Step[], ErrorCode, string]>([
    ['401', [json({ message: 'bad key' }, 401)], 'key-rejected', 'Appstle rejected the API key.'],
    ['404', [status(404)], 'customer-not-found', 'Appstle has no subscription customer'],
    ['429 over the budget', [status(429, { 'retry-after': '90' })], 'rate-limited', 'Try again in 90 s.'],
    ['5xx', [text('<html>oops</html>', 503)], 'provider-down', 'Appstle is having trouble'],
    ['timeout', [new DOMException('t', 'TimeoutError')], 'timeout', 'did not answer within 10 seconds'],
    ['bad body', [text('<html>', 200)], 'bad-response', "Appstle sent an answer Portal Link doesn't understand"],
  ])('a provider %s reaches the agent as %s, without the key', async (_label, script, code, words) => {
    const h = harness({ script });
    const reply = await h.handle(copyMsg('12345'), ZENDESK);
    expect(errorCode(reply)).toBe(code);
    expect(!reply.ok && reply.error.message).toContain(words);
    expect(JSON.stringify(reply)).not.toContain(APPSTLE_KEY);
    expect(h.copied).toEqual([]);
  });

  it.each<[string, unknown, ErrorCode]>([
    ['clipboard-failed', new PortalLinkError('clipboard-failed'), 'clipboard-failed'],
    ['an unexpected error', new Error(`offscreen died ${APPSTLE_KEY}`), 'internal'],
  ])('a copy failure (%s) is an error reply', async (_label, copyError, code) => {
    const h = harness({ copyError });
    const reply = await h.handle(copyMsg('12345'), POPUP);
    expect(errorCode(reply)).toBe(code);
    expect(JSON.stringify(reply)).not.toContain(APPSTLE_KEY);
  });

  it('never replies with the key', async () => {
    const h = harness();
    const reply = await h.handle(copyMsg('12345'), ZENDESK);
    expect(JSON.stringify(reply)).not.toContain(APPSTLE_KEY);
  });
});

describe('router: the popup’s Insert (grant-insert, redeemed by that tab’s get-link)', () => {
  // Store c lists no helpdesk; the popup picked it and a customer typed there.
  const appstleC = appstleStore({ id: 'c', name: 'Gamma', storeDomain: 'gamma-shop.myshopify.com', helpdeskHosts: [] });
  const settings: Settings = { stores: [appstleA, appstleC], defaultStoreId: 'a' };
  const grantFor = async (h: Harness, tabId = 9) => {
    const reply = await h.handle({ type: 'grant-insert', customer: 'bob@example.org', storeId: 'c', tabId }, POPUP);
    if (!reply.ok) throw new Error('no grant');
    return reply.grant as string;
  };
  const redeem = (h: Harness, grant: string, sender: SenderLike = ZENDESK) =>
    h.handle({ type: 'get-link', customer: {}, grant }, sender);

  it('that tab’s content script gets the link of the store picked, for the customer typed, once; nothing copied', async () => {
    const h = harness({ settings });
    const grant = await grantFor(h);
    expect(h.http.calls).toHaveLength(0); // nothing minted for the popup itself
    const reply = await redeem(h, grant);
    expect(reply).toMatchObject({ ok: true, customer: 'bob@example.org' });
    expect(reply.ok && (reply.url as string).startsWith('https://gamma-shop.myshopify.com/')).toBe(true);
    expect(h.http.calls.map((c) => new URL(c.url).searchParams.get('email'))).toEqual(['bob@example.org']);
    expect(h.copied).toEqual([]);
    expect(errorCode(await redeem(h, grant))).toBe('ticket-changed');
    expect(h.http.calls).toHaveLength(1);
  });

  it('another tab, another extension page or a made-up grant gets nothing', async () => {
    const h = harness({ settings });
    const grant = await grantFor(h);
    const otherTab = { ...ZENDESK, tab: { id: 10, url: ZENDESK.url } };
    expect(errorCode(await redeem(h, grant, otherTab))).toBe('ticket-changed');
    expect(errorCode(await redeem(h, grant, POPUP))).toBe('forbidden-sender');
    expect(errorCode(await redeem(h, 'not-a-grant'))).toBe('ticket-changed');
    expect(h.http.calls).toHaveLength(0);
    expect(await redeem(h, grant)).toMatchObject({ ok: true }); // still there for its own tab
  });

  it('a content script cannot grant itself a store or a customer', async () => {
    const h = harness({ settings });
    const reply = await h.handle(
      { type: 'grant-insert', customer: 'bob@example.org', storeId: 'c', tabId: 9 },
      ZENDESK,
    );
    expect(errorCode(reply)).toBe('forbidden-sender');
  });

  it('on a helpdesk account no store lists: host-unlisted and nothing minted, the grant kept for the agent’s answer', async () => {
    const h = harness({ settings });
    const grant = await grantFor(h);
    expect(await redeem(h, grant, UNMAPPED)).toMatchObject({ ok: false, error: { code: 'host-unlisted' } });
    expect(h.http.calls).toHaveLength(0);
    expect(await h.handle({ type: 'add-helpdesk-host' }, UNMAPPED)).toEqual({ ok: true });
    expect(await redeem(h, grant, UNMAPPED)).toMatchObject({ ok: true, customer: 'bob@example.org' });
  });
});

describe('router: add-helpdesk-host (the in-page “Use this store here”)', () => {
  const HOST = 'other.zendesk.com';

  it('lists the sender’s host on the default store, and the insert that asked goes on', async () => {
    const h = harness();
    expect(errorCode(await h.handle({ type: 'get-link', customer: { email: 'jane@example.com' } }, UNMAPPED))).toBe(
      'host-unlisted',
    );
    expect(await h.handle({ type: 'add-helpdesk-host' }, UNMAPPED)).toEqual({ ok: true });
    expect(h.saved.at(-1)?.stores.find((s) => s.id === 'a')?.helpdeskHosts).toEqual(['acme.zendesk.com', HOST]);
    expect(h.saved.at(-1)?.stores.find((s) => s.id === 'b')?.helpdeskHosts).toEqual(['beta.gorgias.com']);
    const inserted = await h.handle({ type: 'get-link', customer: { email: 'jane@example.com' } }, UNMAPPED);
    expect(inserted).toMatchObject({ ok: true, customer: 'jane@example.com' });
  });

  it.each<[string, SenderLike]>([
    ['the popup', POPUP],
    ['the settings page', OPTIONS],
    ['a web page that is not a helpdesk', { ...WEB_PAGE, url: 'https://evil.example/' }],
    [
      'a helpdesk host over plain http',
      { ...UNMAPPED, origin: `http://${HOST}`, url: `http://${HOST}/agent/tickets/42` },
    ],
    ['a helpdesk page on another port', { ...UNMAPPED, origin: `https://${HOST}:8443` }],
    ['a frame inside the helpdesk', { ...UNMAPPED, frameId: 3 }],
    ['a content script with no tab', { id: RUNTIME_ID, origin: `https://${HOST}`, frameId: 0 }],
    ['another extension', { ...UNMAPPED, id: 'zyxwvutsrqponmlkzyxwvutsrqponmlk' }],
  ])('%s cannot list a host: forbidden-sender, nothing saved', async (_label, sender) => {
    const h = harness();
    expect(errorCode(await h.handle({ type: 'add-helpdesk-host' }, sender))).toBe('forbidden-sender');
    expect(h.saved).toEqual([]);
  });

  it('a default store the policy sets can’t be edited here: the agent is told whom to ask, nothing saved', async () => {
    const policy = parseManaged({
      stores: [{ id: 'hq', name: 'HQ brand', provider: 'appstle', apiKey: APPSTLE_KEY, helpdeskHosts: [] }],
      defaultStoreId: 'hq',
    });
    const h = harness({ managed: policy });
    const reply = await h.handle({ type: 'add-helpdesk-host' }, UNMAPPED);
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'host-locked',
        message: `Ask your administrator to add ${HOST} to HQ brand's Helpdesk accounts (your administrator or your team relay sets that store).`,
      },
    });
    expect(h.saved).toEqual([]);
  });

  it('a default store from the team relay: the same', async () => {
    const h = harness({ settings: { stores: [] } });
    const session: RelaySession = {
      url: 'https://relay.example',
      email: 'agent@example.com',
      stores: [{ id: 'acme', name: 'Acme (relay)', provider: 'appstle', helpdeskHosts: ['acme.zendesk.com'] }],
    };
    const handle = createRouter({ ...h.deps, relay: { session: async () => session } as unknown as RelayClient });
    const reply = await handle({ type: 'add-helpdesk-host' }, UNMAPPED);
    expect(reply).toMatchObject({ ok: false, error: { code: 'host-locked' } });
    expect(reply.ok ? '' : reply.error.message).toContain(`add ${HOST} to Acme (relay)'s Helpdesk accounts`);
    expect(h.saved).toEqual([]);
  });
});

describe('router: get-settings', () => {
  it('returns the settings with masked keys only', async () => {
    const h = harness();
    const reply = await h.handle({ type: 'get-settings' }, OPTIONS);
    expect(reply.ok).toBe(true);
    const settings = reply.ok
      ? (reply.settings as { stores: Record<string, unknown>[]; defaultStoreId?: string })
      : undefined;
    expect(settings?.defaultStoreId).toBe('a');
    expect(settings?.stores.map((s) => s.apiKeyMask)).toEqual([maskKey(APPSTLE_KEY), maskKey(GIGSTACK_KEY)]);
    for (const store of settings?.stores ?? []) expect(store).not.toHaveProperty('apiKey');
    const dump = JSON.stringify(reply);
    expect(dump).not.toContain(APPSTLE_KEY);
    expect(dump).not.toContain(GIGSTACK_KEY);
  });

  it('works from the popup too, and reports broken settings', async () => {
    expect((await harness().handle({ type: 'get-settings' }, POPUP)).ok).toBe(true);
    const broken = harness({ settings: new PortalLinkError('settings-invalid') });
    expect(errorCode(await broken.handle({ type: 'get-settings' }, OPTIONS))).toBe('settings-invalid');
  });
});

describe('router: save-settings', () => {
  it('saves the settings as the schema normalises them (lib/settings checks them, not the protocol)', async () => {
    const h = harness();
    const stores = [{ ...appstleA, helpdeskHosts: [' ACME.zendesk.com '] }];
    expect((await h.handle({ type: 'save-settings', settings: { stores } }, OPTIONS)).ok).toBe(true);
    expect(h.saved[0]?.stores[0]?.helpdeskHosts).toEqual(['acme.zendesk.com']);
  });

  it.each<[string, string, string]>([
    ['an empty key keeps the saved key', '', APPSTLE_KEY],
    ['a new key replaces it', 'apst_live_NEW_key_123456', 'apst_live_NEW_key_123456'],
    ['a blank key keeps the saved key', '   ', APPSTLE_KEY],
  ])('%s', async (_label, apiKey, expectedKey) => {
    const h = harness();
    const incoming = {
      stores: [
        { ...appstleA, apiKey, name: 'Acme renamed' },
        { ...gigstackB, apiKey: '' },
      ],
    };
    const reply = await h.handle({ type: 'save-settings', settings: incoming }, OPTIONS);
    expect(reply.ok).toBe(true);
    expect(h.saved).toHaveLength(1);
    expect(h.saved[0]?.stores.map((s) => s.apiKey)).toEqual([expectedKey, GIGSTACK_KEY]);
    expect(h.saved[0]?.stores[0]?.name).toBe('Acme renamed');
    const dump = JSON.stringify(reply);
    expect(dump).not.toContain(expectedKey);
    expect(dump).not.toContain(GIGSTACK_KEY);
    expect(reply.ok && (reply.settings as { stores: { apiKeyMask: string }[] }).stores[0]?.apiKeyMask).toBe(
      maskKey(expectedKey),
    );
  });

  it('serves no link minted before, even for settings saved unchanged', async () => {
    const h = harness();
    await h.handle(copyMsg('12345'), POPUP);
    expect(await h.handle(copyMsg('12345'), POPUP)).toMatchObject({ ok: true, cached: true });
    await h.handle({ type: 'save-settings', settings: TWO_STORES }, OPTIONS);
    expect(h.cache.map.size).toBe(0);
    const again = await h.handle(copyMsg('12345'), POPUP);
    expect(again).toMatchObject({ ok: true, cached: false });
  });

  it('saves even when the stored settings are unreadable (keys start empty)', async () => {
    const h = harness({ settings: new PortalLinkError('settings-invalid') });
    const reply = await h.handle(
      { type: 'save-settings', settings: { stores: [{ ...appstleA, apiKey: '' }] } },
      OPTIONS,
    );
    expect(reply.ok).toBe(true);
    expect(h.saved[0]?.stores[0]?.apiKey).toBe('');
  });

  it('a store whose id changed does not inherit a key', async () => {
    const h = harness();
    await h.handle({ type: 'save-settings', settings: { stores: [{ ...appstleA, id: 'a2', apiKey: '' }] } }, OPTIONS);
    expect(h.saved[0]?.stores[0]?.apiKey).toBe('');
  });

  // Regression (fixed): same root cause as above, via save-settings: the switched store is saved with the
  // Appstle key, and the next copy posts that key to gigstack.
  it('switching a store to another provider does not keep the old provider key', async () => {
    const h = harness({ script: [gigstackReply()] });
    const switched = { ...gigstackB, id: 'a', apiKey: '', helpdeskHosts: ['acme.zendesk.com'] };
    await h.handle({ type: 'save-settings', settings: { stores: [switched] } }, OPTIONS);
    expect(h.saved[0]?.stores[0]?.apiKey).not.toBe(APPSTLE_KEY);
    await h.handle(copyMsg('jane@example.com'), ZENDESK);
    expect(h.http.calls.map((c) => headersOf(c).authorization ?? '').join()).not.toContain(APPSTLE_KEY);
  });

  it('a failing save is an error reply', async () => {
    const h = harness();
    h.deps.saveSettings = async () => {
      throw new Error('QUOTA_BYTES quota exceeded');
    };
    const reply = await createRouter(h.deps)({ type: 'save-settings', settings: TWO_STORES }, OPTIONS);
    expect(errorCode(reply)).toBe('internal');
  });
});

describe('router: test-connection', () => {
  it.each<[string, Step[], true | ErrorCode]>([
    ['404', [json({ title: 'Not Found' }, 404)], true],
    ['400', [json({ message: 'Invalid customerId' }, 400)], true],
    ['401', [json({ message: 'Unauthorized' }, 401)], 'key-rejected'],
    ['403', [text('Forbidden', 403)], 'key-rejected'],
    ['500', [status(500)], 'provider-down'],
    ['502', [text('<html>Bad gateway</html>', 502)], 'provider-down'],
    ['503', [status(503)], 'provider-down'],
    ['429', [status(429)], 'rate-limited'],
  ])('Appstle %s → %s', async (_label, script, expected) => {
    const h = harness({ script });
    const reply = await h.handle({ type: 'test-connection', store: appstleA }, OPTIONS);
    if (expected === true) expect(reply).toEqual({ ok: true, provider: 'Appstle' });
    else {
      expect(errorCode(reply)).toBe(expected);
      expect(!reply.ok && reply.error.message).toContain('Appstle');
    }
    expect(JSON.stringify(reply)).not.toContain(APPSTLE_KEY);
  });

  it.each<[string, Step[], true | ErrorCode, number]>([
    ['404', [json({ message: 'Client not found' }, 404)], true, 1],
    ['400', [json({ error: { code: 'x', message: 'bad' } }, 400)], true, 1],
    ['401', [json({ message: 'Invalid token' }, 401)], 'key-rejected', 1],
    ['403', [json({}, 403)], 'key-rejected', 1],
    ['500', [status(500)], 'provider-down', 1],
    ['503', [status(503)], 'provider-down', 1],
  ])('gigstack %s → %s', async (_label, script, expected, calls) => {
    const h = harness({ script });
    const reply = await h.handle({ type: 'test-connection', store: gigstackB }, OPTIONS);
    if (expected === true) expect(reply).toEqual({ ok: true, provider: 'gigstack' });
    else expect(errorCode(reply)).toBe(expected);
    expect(h.http.calls).toHaveLength(calls);
  });

  it('Appstle 5xx is retried (GET) before giving up', async () => {
    const h = harness({ script: [status(503)] });
    await h.handle({ type: 'test-connection', store: appstleA }, OPTIONS);
    expect(h.http.calls).toHaveLength(3);
  });

  it.each<[boolean, ErrorCode]>([
    [false, 'offline'],
    [true, 'provider-down'],
  ])('a network failure with online()=%s → %s', async (online, code) => {
    const h = harness({ script: [new TypeError('Failed to fetch')] });
    h.http.setOnline(online);
    const reply = await h.handle({ type: 'test-connection', store: appstleA }, OPTIONS);
    expect(errorCode(reply)).toBe(code);
  });

  it('an empty key tests the saved key of that store', async () => {
    const h = harness({ script: [status(404)] });
    const reply = await h.handle({ type: 'test-connection', store: { ...appstleA, apiKey: '' } }, OPTIONS);
    expect(reply.ok).toBe(true);
    expect(headersOf(h.http.calls[0])['x-api-key']).toBe(APPSTLE_KEY);
  });

  it('a typed key is tested as typed (not the saved one), and is not saved', async () => {
    const h = harness({ script: [status(401)] });
    const reply = await h.handle(
      { type: 'test-connection', store: { ...appstleA, apiKey: 'typed-key-999999' } },
      OPTIONS,
    );
    expect(errorCode(reply)).toBe('key-rejected');
    expect(headersOf(h.http.calls[0])['x-api-key']).toBe('typed-key-999999');
    expect(h.saved).toEqual([]);
    expect(JSON.stringify(reply)).not.toContain('typed-key-999999');
  });

  // Testing a store just switched from Appstle to gigstack (same id, key field left empty) must not
  // send the saved Appstle key to api.gigstack.io.
  it('switching a store to another provider never sends the old provider key to it', async () => {
    const h = harness({ script: [status(401)] });
    const switched = { ...gigstackB, id: 'a', apiKey: '', helpdeskHosts: ['acme.zendesk.com'] };
    const reply = await h.handle({ type: 'test-connection', store: switched }, OPTIONS);
    expect(h.http.calls.map((c) => headersOf(c).authorization ?? '').join()).not.toContain(APPSTLE_KEY);
    expect(errorCode(reply)).toBe('key-missing');
  });

  it('a new store with no key anywhere → key-missing, no request', async () => {
    const h = harness();
    const reply = await h.handle({ type: 'test-connection', store: { ...gigstackB, id: 'new', apiKey: '' } }, OPTIONS);
    expect(errorCode(reply)).toBe('key-missing');
    expect(!reply.ok && reply.error.message).toBe('This store has no gigstack API key. Open Settings and add it.');
    expect(h.http.calls).toHaveLength(0);
  });

  it('still works when saved settings are unreadable', async () => {
    const h = harness({ settings: new PortalLinkError('settings-invalid'), script: [status(404)] });
    const reply = await h.handle({ type: 'test-connection', store: appstleA }, OPTIONS);
    expect(reply).toEqual({ ok: true, provider: 'Appstle' });
  });

  it('works from the popup page, never from a content script', async () => {
    const h = harness({ script: [status(404)] });
    expect((await h.handle({ type: 'test-connection', store: appstleA }, POPUP)).ok).toBe(true);
    expect(errorCode(await h.handle({ type: 'test-connection', store: appstleA }, ZENDESK))).toBe('forbidden-sender');
  });
});

describe('copyPortalLink', () => {
  it('fails with no-store when there is no store', async () => {
    const h = harness();
    const error = await rejectionOf(copyPortalLink(h.deps, undefined, '12345'));
    expect(error).toBeInstanceOf(PortalLinkError);
    expect((error as PortalLinkError).code).toBe('no-store');
    expect(h.copied).toEqual([]);
  });

  it('copies and returns the link', async () => {
    const h = harness();
    const result = await copyPortalLink(h.deps, own(appstleA), { email: 'jane@example.com' });
    expect(result).toMatchObject({ cached: false, customer: 'jane@example.com' });
    expect(h.copied).toEqual([result.url]);
  });

  it('a sender that writes the clipboard itself gets the link, and the background writes nothing', async () => {
    const h = harness();
    const reply = await h.handle({ ...copyMsg('12345'), copyHere: true }, ZENDESK);
    expect(reply).toMatchObject({ ok: true, url: expect.stringMatching(/^https:/) });
    expect(h.copied).toEqual([]);
  });
});

describe('router: several stores and the administrator’s policy', () => {
  const MANAGED_KEY = 'apst_live_MANAGED_SECRET_99f1';
  const hqRaw = {
    id: 'hq',
    name: 'HQ brand',
    provider: 'appstle',
    apiKey: MANAGED_KEY,
    storeDomain: 'hq.myshopify.com',
    helpdeskHosts: ['hq.zendesk.com', 'acme.zendesk.com'],
  };
  const policy = parseManaged({ stores: [hqRaw] });
  // The policy sets no template, so its store gets Appstle's complete link (the migration rule).
  const hqToken: Step = (_call, http) =>
    json({
      manageSubscriptionLink: 'https://hq-brand.com/pages/manage-subscriptions?token=t1',
      tokenExpirationTime: new Date(http.clock.now + 2 * 3600_000).toISOString(),
    });

  it('the popup picks a store by id; an unknown id is no store', async () => {
    const h = harness({ script: [gigstackReply()] });
    expect(await h.handle(copyMsg('client_jane01', 'b'), POPUP)).toMatchObject({ ok: true });
    expect(headersOf(h.http.calls[0]).authorization).toBe(`Bearer ${GIGSTACK_KEY}`);
    expect(errorCode(await h.handle(copyMsg('client_jane01', 'nope'), POPUP))).toBe('no-store');
  });

  it('the popup without a picked store names its tab: the store mapped to that host serves the copy', async () => {
    const h = harness({ script: [gigstackReply(), freshAppstle] });
    const fromTicket = { type: 'copy-link', customer: 'client_jane01', tabHost: 'beta.gorgias.com' };
    expect(await h.handle(fromTicket, POPUP)).toMatchObject({ ok: true });
    expect(headersOf(h.http.calls[0]).authorization).toBe(`Bearer ${GIGSTACK_KEY}`);
    // A picked store wins over the tab; a content script can't steer by naming a host.
    expect(await h.handle({ ...fromTicket, storeId: 'a', customer: '12345' }, POPUP)).toMatchObject({ ok: true });
    expect(headersOf(h.http.calls[1])['x-api-key']).toBe(APPSTLE_KEY);
    const steer = { type: 'copy-link', customer: '12345', tabHost: 'beta.gorgias.com' };
    // Store a's link again (links are cached per store): not Beta's.
    expect(await h.handle(steer, ZENDESK)).toMatchObject({ ok: true, cached: true });
    expect(h.http.calls).toHaveLength(2);
  });

  it('links are cached per store: the same customer in another store is asked again', async () => {
    const h = harness({ script: [freshAppstle] });
    const third = appstleStore({ id: 'c', name: 'Central', helpdeskHosts: [], apiKey: 'apst_live_CENTRAL_00000' });
    h.stored.settings = { stores: [appstleA, gigstackB, third], defaultStoreId: 'a' };
    await h.handle(copyMsg('12345', 'a'), POPUP);
    await h.handle(copyMsg('12345', 'c'), POPUP);
    expect(await h.handle(copyMsg('12345', 'a'), POPUP)).toMatchObject({ ok: true, cached: true });
    expect(h.http.calls).toHaveLength(2);
    expect(h.cache.map.size).toBe(2);
  });

  it('a content script on a host the policy maps uses the managed store and its key', async () => {
    const h = harness({ managed: policy, script: [hqToken] });
    const reply = await h.handle(copyMsg('12345'), ZENDESK); // acme.zendesk.com: the policy took it from store a
    expect(reply).toMatchObject({ ok: true });
    expect(headersOf(h.http.calls[0])['x-api-key']).toBe(MANAGED_KEY);
    expect(h.http.calls[0]?.url).toContain('/api/external/v2/manage-subscription-link?customerId=12345');
    expect(reply).toMatchObject({ url: 'https://hq-brand.com/pages/manage-subscriptions?token=t1' });
    expect(JSON.stringify(reply)).not.toContain(MANAGED_KEY);
  });

  it('get-settings: managed stores first, their key in the policy, with no key or mask', async () => {
    const h = harness({ managed: policy });
    const reply = await h.handle({ type: 'get-settings' }, OPTIONS);
    const view = reply.ok ? (reply.settings as { stores: Record<string, unknown>[] }) : undefined;
    expect(view?.stores.map((s) => [s.id, s.keySource, s.apiKeyMask])).toEqual([
      ['hq', 'policy', ''],
      ['a', 'browser', maskKey(APPSTLE_KEY)],
      ['b', 'browser', maskKey(GIGSTACK_KEY)],
    ]);
    expect(view?.stores[1]?.helpdeskHosts).toEqual([]);
    expect(JSON.stringify(reply)).not.toContain(MANAGED_KEY.slice(-4));
  });

  it('get-settings: an invalid policy is reported and ignored', async () => {
    const h = harness({ managed: { kind: 'invalid' } });
    const reply = await h.handle({ type: 'get-settings' }, OPTIONS);
    expect(reply).toMatchObject({ ok: true, settings: { managedInvalid: true } });
    expect(reply.ok && (reply.settings as { stores: unknown[] }).stores).toHaveLength(2);
  });

  it('save-settings: managed stores sent back by the page are not saved locally', async () => {
    const h = harness({ managed: policy });
    const local = { ...appstleA, helpdeskHosts: [] };
    const fake = { ...appstleA, id: 'hq', name: 'Mine now', apiKey: '' };
    const reply = await h.handle(
      { type: 'save-settings', settings: { stores: [fake, local], defaultStoreId: 'hq' } },
      OPTIONS,
    );
    expect(reply.ok).toBe(true);
    // acme.zendesk.com, which the policy claims, was hidden from the page: it stays saved underneath.
    expect(h.saved[0]).toEqual({
      stores: [{ ...local, apiKey: APPSTLE_KEY, helpdeskHosts: ['acme.zendesk.com'] }],
      defaultStoreId: 'hq',
    });
    expect(JSON.stringify(h.saved)).not.toContain(MANAGED_KEY);
    expect(
      reply.ok && (reply.settings as { stores: { id: string; name: string }[] }).stores.map((s) => s.name),
    ).toEqual(['HQ brand', 'Acme']);
  });

  it('save-settings: hosts a policy claims, hidden from the page, survive a save and return when the policy goes', async () => {
    const h = harness({ managed: policy });
    const shown = await h.handle({ type: 'get-settings' }, OPTIONS);
    const view = (shown.ok ? shown.settings : { stores: [] }) as { stores: Record<string, unknown>[] };
    // The page sends back its own stores as it showed them (Acme without acme.zendesk.com), renamed.
    const local = view.stores
      .filter((s) => s.keySource === 'browser')
      .map(({ apiKeyMask: _mask, linkType: _type, ...s }) => ({ ...s, apiKey: '', name: `${s.name} (edited)` }));
    expect(local[0]?.['helpdeskHosts' as keyof (typeof local)[0]]).toEqual([]);
    expect((await h.handle({ type: 'save-settings', settings: { stores: local } }, OPTIONS)).ok).toBe(true);
    expect(h.saved[0]?.stores.map((s) => [s.name, s.helpdeskHosts])).toEqual([
      ['Acme (edited)', ['acme.zendesk.com']],
      ['Beta (edited)', ['beta.gorgias.com']],
    ]);
    // Without the policy, Acme serves acme.zendesk.com again.
    const after = createRouter({ ...h.deps, loadManaged: undefined });
    const reply = await after({ type: 'get-settings' }, OPTIONS);
    const stores = (reply.ok ? reply.settings : { stores: [] }) as { stores: { helpdeskHosts: string[] }[] };
    expect(stores.stores[0]?.helpdeskHosts).toEqual(['acme.zendesk.com']);
  });

  it('save-settings: a local store may not claim a managed helpdesk host', async () => {
    const h = harness({ managed: policy });
    const reply = await h.handle({ type: 'save-settings', settings: TWO_STORES }, OPTIONS); // a lists acme.zendesk.com
    expect(reply).toMatchObject({ ok: false, error: { code: 'host-taken' } });
    expect(!reply.ok && reply.error.message).toContain('acme.zendesk.com');
    expect(h.saved).toHaveLength(0);
  });

  it('test-connection on a managed store uses the administrator’s store, whatever the page sent', async () => {
    const h = harness({ managed: policy, script: [json({ title: 'Not Found', status: 404 }, 404)] });
    const draft = { ...appstleA, id: 'hq', apiKey: 'typed-by-agent-123456', storeDomain: 'evil.example' };
    const reply = await h.handle({ type: 'test-connection', store: draft }, OPTIONS);
    expect(reply).toMatchObject({ ok: true, provider: 'Appstle' });
    expect(headersOf(h.http.calls[0])['x-api-key']).toBe(MANAGED_KEY);
  });

  it('a policy change: the next copy reads the new policy, mints afresh, and open pages are told', async () => {
    let raw: Record<string, unknown> = { stores: [{ ...hqRaw, apiKey: MANAGED_KEY }] };
    const reader = managedReader({ get: async () => raw }, { timeoutMs: 1000 });
    const announced: unknown[] = [];
    const h = harness({ script: [hqToken] });
    const deps: RouterDeps = {
      ...h.deps,
      loadManaged: () => reader.read(),
      forgetManaged: () => reader.changed(),
      announce: async (message) => void announced.push(message),
    };
    const handle = createRouter(deps);
    expect(await handle(copyMsg('12345'), ZENDESK)).toMatchObject({ ok: true });
    expect(headersOf(h.http.calls[0])['x-api-key']).toBe(MANAGED_KEY);
    expect(await handle(copyMsg('12345'), ZENDESK)).toMatchObject({ ok: true, cached: true });

    raw = { stores: [{ ...hqRaw, apiKey: 'apst_live_ROTATED_SECRET_1234' }] }; // the administrator rotated the key
    await policyChanged(deps);
    expect(await handle(copyMsg('12345'), ZENDESK)).toMatchObject({ ok: true, cached: false });
    expect(headersOf(h.http.calls[1])['x-api-key']).toBe('apst_live_ROTATED_SECRET_1234');
    expect(announced).toEqual([{ type: 'settings-changed' }]);
  });
});

describe('router: settings kept between copies (settings-memo)', () => {
  /** The harness with the memo the background uses, and a count of storage reads. */
  function memoHarness(options: Parameters<typeof harness>[0] = {}) {
    const h = harness({ ...options, script: [freshAppstle, freshAppstle, freshAppstle] });
    let reads = 0;
    const deps: RouterDeps = {
      ...h.deps,
      loadSettings: (...args) => {
        reads += 1;
        return h.deps.loadSettings(...args);
      },
      settingsMemo: memo((settings) => !settings.managedPending),
    };
    return { ...h, deps, handle: createRouter(deps), reads: () => reads };
  }

  it('a copy after the first reads no settings from storage', async () => {
    const h = memoHarness();
    await h.handle(copyMsg('12345'), POPUP);
    await h.handle(copyMsg('67890'), ZENDESK);
    expect(h.reads()).toBe(1);
    expect(h.http.calls).toHaveLength(2);
  });

  it('settings saved by the options page: the next copy uses the new key at once', async () => {
    const h = memoHarness();
    await h.handle(copyMsg('12345'), POPUP);
    const rotated = { stores: [{ ...appstleA, apiKey: 'apst_live_ROTATED_key_777' }, gigstackB], defaultStoreId: 'a' };
    await h.handle({ type: 'save-settings', settings: rotated }, OPTIONS);
    expect(await h.handle(copyMsg('67890'), POPUP)).toMatchObject({ ok: true, cached: false });
    expect(headersOf(h.http.calls[1])['x-api-key']).toBe('apst_live_ROTATED_key_777');
  });

  it('a change while settings are being read: that read serves its copy but is not kept', async () => {
    const h = memoHarness();
    const settingsMemo = h.deps.settingsMemo as NonNullable<RouterDeps['settingsMemo']>;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = settingsMemo.get(async () => {
      await gate;
      return ownSettings(TWO_STORES);
    });
    settingsMemo.forget(); // storage changed under the read
    release();
    await slow;
    await h.handle(copyMsg('12345'), POPUP);
    expect(h.reads()).toBe(1); // the copy read storage: the slow read was not kept
  });

  it('a policy the browser has not answered for yet is asked again on the next copy', async () => {
    const h = memoHarness({ managed: { kind: 'pending' } });
    await h.handle(copyMsg('12345'), POPUP);
    await h.handle(copyMsg('67890'), POPUP);
    expect(h.reads()).toBe(2);
  });

  it('a policy change forgets them: the next copy reads storage and the new policy', async () => {
    const h = memoHarness();
    await h.handle(copyMsg('12345'), POPUP);
    await policyChanged(h.deps);
    await h.handle(copyMsg('12345'), POPUP);
    expect(h.reads()).toBe(2);
  });
});

describe('answerOnPort (a content script’s long-lived port)', () => {
  function port(sender: SenderLike, name = 'portal-link') {
    let listener: (message: unknown) => void = () => undefined;
    const posted: unknown[] = [];
    return {
      name,
      sender,
      onMessage: {
        addListener(l: (message: unknown) => void) {
          listener = l;
        },
      },
      postMessage: (m: unknown) => void posted.push(m),
      deliver: (m: unknown) => listener(m),
      posted,
    };
  }

  it('answers each request like a message, from the port’s own sender, under its id', async () => {
    const calls: [unknown, SenderLike][] = [];
    const handle = async (message: unknown, sender: SenderLike) => {
      calls.push([message, sender]);
      return { ok: true as const };
    };
    const p = port(ZENDESK);
    answerOnPort(p, handle);
    p.deliver({ id: 4, message: { type: 'get-actions' } });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([[{ type: 'get-actions' }, ZENDESK]]);
    expect(p.posted).toEqual([{ id: 4, reply: { ok: true } }]);
  });

  it('a port from a page that is not a helpdesk is refused like its messages', async () => {
    const h = harness();
    const p = port({ ...contentScript('evil.example.com') });
    answerOnPort(p, h.handle);
    p.deliver({ id: 1, message: copyMsg('12345') });
    await vi.waitFor(() => expect(p.posted).toHaveLength(1));
    expect(p.posted[0]).toMatchObject({ id: 1, reply: { ok: false, error: { code: 'forbidden-sender' } } });
  });

  it('ignores other ports and envelopes without an id', async () => {
    const handle = vi.fn(async () => ({ ok: true as const }));
    const other = port(ZENDESK, 'someone-else');
    answerOnPort(other, handle);
    other.deliver({ id: 1, message: { type: 'get-actions' } });
    const ours = port(ZENDESK);
    answerOnPort(ours, handle);
    ours.deliver({ message: { type: 'get-actions' } });
    ours.deliver(null);
    await new Promise((r) => setTimeout(r, 0));
    expect(handle).not.toHaveBeenCalled();
  });
});
