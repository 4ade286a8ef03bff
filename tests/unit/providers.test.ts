import { describe, expect, it } from 'vitest';
import { appstle } from '../../lib/providers/appstle/index';
import { gigstack } from '../../lib/providers/gigstack/index';
import type { Store } from '../../lib/providers/registry';
import { providerFor, providerList } from '../../lib/providers/registry';
import { parseGigstackId, parseShopifyId } from '../../lib/shared/customer';
import { appstleStore, gigstackStore } from './helpers';

describe('provider registry', () => {
  // The least each provider's store needs beyond the common fields.
  const own: Record<string, object> = {
    custom: { endpointUrl: 'https://api.acme.example/links', customerField: 'email' },
  };
  it.each(providerList.map((p) => [p.id, p] as const))('%s: its schema is a store of that provider', (id, p) => {
    const parsed = p.schema.safeParse({ id: 's1', name: 'Shop', apiKey: 'k', provider: id, ...own[id] });
    expect(parsed.success).toBe(true);
    expect(p.schema.safeParse({ id: 's1', name: 'Shop', apiKey: 'k', provider: 'other' }).success).toBe(false);
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

  it.each(providerList)('%#: the probe query is an email, or an id its own parser accepts', (provider) => {
    const probe = provider.probeQuery;
    if (probe.kind === 'id') expect(provider.parseId(probe.id)).toBe(probe.id);
    else expect(probe.email).toMatch(/@example\.com$/);
  });
});
