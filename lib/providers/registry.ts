/**
 * Every provider, one line each: the options form, the popup, the context menu, the settings and the
 * relay's store schema, the manifest's host permissions and the relay's admin CLI all read this list.
 */
import { z } from '../shared/zod';
import { appstle } from './appstle';
import { custom } from './custom';
import { gigstack } from './gigstack';
import { stayai } from './stayai';
import type { Provider } from './types';

const registry = { appstle, gigstack, stayai, custom };

type Registry = typeof registry;
export type ProviderId = keyof Registry;
type StoreOf<P> = P extends Provider<infer S> ? S : never;
/** A store of any provider: the common fields plus its provider's own. */
export type Store = { [K in ProviderId]: StoreOf<Registry[K]> }[ProviderId];
export type StoreOfProvider<K extends ProviderId> = StoreOf<Registry[K]>;

/** The providers in the order the options page offers them. */
export const providerList: readonly Provider<Store>[] = Object.values(registry) as unknown as Provider<Store>[];

export const providerIds = Object.keys(registry) as ProviderId[];

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(registry, value);
}

export function providerFor<S extends Store>(store: Pick<S, 'provider'>): Provider<S> {
  return registry[store.provider] as unknown as Provider<S>;
}

/** Any provider's store, told apart by `provider`. */
export const storeSchema = z.discriminatedUnion(
  'provider',
  providerList.map((p) => p.schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<Store, Store>;

/** A customer id in any provider's form (a shape check only: the store's provider decides later). */
export function parseAnyProviderId(input: string): string | undefined {
  for (const provider of providerList) {
    const id = provider.parseId(input);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** The hosts the extension calls for the providers it ships (the manifest's host permissions). */
export const providerHosts = [...new Set(providerList.flatMap((p) => p.hosts))];
