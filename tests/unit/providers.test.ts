import { describe, expect, it } from 'vitest';
import { appstle } from '../../lib/providers/appstle';
import { gigstack } from '../../lib/providers/gigstack';
import { providerFor } from '../../lib/providers/index';
import type { Provider } from '../../lib/providers/types';
import { providerLabels, providerList } from '../../lib/settings/provider-labels';
import type { Store } from '../../lib/settings/schema';
import { parseGigstackId, parseShopifyId } from '../../lib/shared/customer';
import { appstleStore, gigstackStore } from './helpers';

describe('provider labels', () => {
  it('lists the providers in order with the contract names', () => {
    expect(providerList).toEqual([
      { id: 'appstle', label: 'Appstle Subscriptions', shortName: 'Appstle' },
      { id: 'gigstack', label: 'gigstack', shortName: 'gigstack' },
    ]);
  });

  it.each<[Provider<Store>, keyof typeof providerLabels]>([
    [appstle as unknown as Provider<Store>, 'appstle'],
    [gigstack as unknown as Provider<Store>, 'gigstack'],
  ])('%#: the provider module uses the shared label', (provider, id) => {
    expect(provider.id).toBe(id);
    expect(provider.label).toBe(providerLabels[id].label);
    expect(provider.shortName).toBe(providerLabels[id].shortName);
  });
});

describe('providerFor', () => {
  it.each<[string, Store, unknown, (input: string) => string | undefined]>([
    ['an Appstle store', appstleStore(), appstle, parseShopifyId],
    ['a gigstack store', gigstackStore(), gigstack, parseGigstackId],
  ])('%s → its provider', (_label, store, provider, parseId) => {
    expect(providerFor(store)).toBe(provider);
    expect(providerFor(store).parseId).toBe(parseId);
  });

  it.each([appstle, gigstack])('%#: the probe query is an id its own parser accepts', (provider) => {
    const probe = provider.probeQuery;
    expect(probe.kind).toBe('id');
    if (probe.kind === 'id') expect(provider.parseId(probe.id)).toBe(probe.id);
  });

  it.each([
    [appstle, 2 * 3600_000],
    [gigstack, 5 * 24 * 3600_000],
  ])('%#: lifetime', (provider, lifetimeMs) => {
    expect(provider.lifetimeMs).toBe(lifetimeMs);
  });
});
