/**
 * The one routing point for link requests (lib/background/link-source.ts): a store's `keySource` alone
 * decides whether the provider is called from here with the store's key, or the team relay is asked.
 */
import { describe, expect, it } from 'vitest';
import { linkSource } from '../../lib/background/link-source';
import type { RelayClient } from '../../lib/background/relay';
import type { EffectiveStore } from '../../lib/settings/schema';
import {
  APPSTLE_KEY,
  appstleStore,
  appstleToken,
  type FakeHttp,
  fakeHttp,
  headersOf,
  json,
  memoryCache,
  NOW,
  status,
} from './helpers';

const POLICY_KEY = 'apst_live_POLICY_key_4242';

/** A relay client that records what it was asked; its links are the relay's own pages. */
function fakeRelay() {
  const asked: unknown[][] = [];
  const client = {
    issueLink: async (...args: unknown[]) => {
      asked.push(['issueLink', ...args]);
      return {
        url: 'https://relay.acme.test/l/AAAAAAAAAAAAAAAAAAAAAA',
        expiresAt: NOW + 7 * 86_400_000,
        lasting: true,
      };
    },
    emailLink: async (...args: unknown[]) => {
      asked.push(['emailLink', ...args]);
      return { to: args[1] as string };
    },
  } as unknown as RelayClient;
  return { asked, client };
}

function deps(http: FakeHttp, relay = fakeRelay()) {
  return { http, cache: memoryCache(), relay: relay.client };
}

const tokenReply = () => json({ customerId: 12345, token: appstleToken() });

describe('linkSource: where a link request goes, by keySource', () => {
  it.each<[string, EffectiveStore, string]>([
    [
      'browser: the provider, with the key typed in this browser',
      { ...appstleStore(), keySource: 'browser' },
      APPSTLE_KEY,
    ],
    [
      'policy: the provider, with the administrator’s key',
      { ...appstleStore({ apiKey: POLICY_KEY }), keySource: 'policy' },
      POLICY_KEY,
    ],
  ])('%s; the relay is never asked', async (_label, store, key) => {
    const http = fakeHttp([tokenReply()]);
    const relay = fakeRelay();
    const link = await linkSource(store, deps(http, relay)).issue('jane@example.com');
    expect(link).toMatchObject({ cached: false, customer: 'jane@example.com' });
    expect(http.calls).toHaveLength(1);
    expect(new URL(http.calls[0]?.url ?? '').host).toBe('subscription-admin.appstle.com');
    expect(headersOf(http.calls[0])['x-api-key']).toBe(key);
    expect(relay.asked).toEqual([]);
  });

  it('policy: emails through the provider with the administrator’s key', async () => {
    const http = fakeHttp([json('Email triggered successfully.')]);
    const relay = fakeRelay();
    const store: EffectiveStore = { ...appstleStore({ apiKey: POLICY_KEY }), keySource: 'policy' };
    await expect(linkSource(store, deps(http, relay)).email('jane@example.com')).resolves.toEqual({
      to: 'jane@example.com',
    });
    expect(headersOf(http.calls[0])['x-api-key']).toBe(POLICY_KEY);
    expect(relay.asked).toEqual([]);
  });

  it('relay: the relay is asked by the store id it gave, with the audit context; no provider call, no cache', async () => {
    const http = fakeHttp([]);
    const relay = fakeRelay();
    const store: EffectiveStore = {
      id: 'acme',
      name: 'Acme',
      provider: 'appstle',
      helpdeskHosts: ['acme.zendesk.com'],
      keySource: 'relay',
    };
    const d = deps(http, relay);
    const context = { helpdeskHost: 'acme.zendesk.com', ticketId: '4711' };
    const link = await linkSource(store, d).issue({ email: 'jane@example.com', shopify: [{ id: '777' }] }, context);
    expect(link).toMatchObject({ lasting: true, cached: false, customer: 'jane@example.com' });
    const emailed = await linkSource(store, d).email('jane@example.com', context);
    expect(emailed).toEqual({ to: 'jane@example.com' });
    expect(relay.asked).toEqual([
      // The helpdesk's lone Shopify id is taken, as for any Appstle store whose shop is not known here.
      ['issueLink', 'acme', { kind: 'id', id: '777' }, context],
      ['emailLink', 'acme', 'jane@example.com', context],
    ]);
    expect(http.calls).toEqual([]);
    expect(d.cache.sets).toEqual([]);
  });

  it('relay: signed out (no relay client) → relay-signed-out, never a provider call', async () => {
    const http = fakeHttp([status(200)]);
    const store: EffectiveStore = {
      id: 'acme',
      name: 'Acme',
      provider: 'gigstack',
      helpdeskHosts: [],
      keySource: 'relay',
    };
    const source = linkSource(store, { http, cache: memoryCache() });
    await expect(source.issue('jane@example.com')).rejects.toMatchObject({ code: 'relay-signed-out' });
    expect(http.calls).toEqual([]);
  });
});
