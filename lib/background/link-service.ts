/**
 * Turns "this customer, this store" into a portal link: parse, look in the cache, ask the provider.
 * Links live in `storage.session` because the service worker's globals die after 30 s idle.
 */

import { providerFor } from '../providers';
import type { PortalLink } from '../providers/types';
import type { Store } from '../settings/schema';
import {
  type CustomerQuery,
  type CustomerRef,
  parseCustomerInput,
  pickShopifyId,
  preferredQuery,
  queryKey,
} from '../shared/customer';
import { PortalLinkError } from '../shared/errors';
import { z } from '../shared/zod';
import type { HttpDeps } from './http';

/** A cached link is reused only while this share of its lifetime remains (105 of Appstle's 120 min). */
export const REUSE_FRACTION = 105 / 120;

export interface LinkCache {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  clear(prefix: string): Promise<void>;
}

export interface IssuedLink extends PortalLink {
  cached: boolean;
}

const cachedLink = z.object({ url: z.string().url(), expiresAt: z.number() });

export function cacheKey(store: Store, query: CustomerQuery): string {
  return `link:${store.id}:${queryKey(query)}`;
}

/** Typed text wins; otherwise the detected customer's id, then email. */
export function resolveQuery(store: Store, customer: string | CustomerRef): CustomerQuery {
  const provider = providerFor(store);
  if (typeof customer === 'string') {
    const query = parseCustomerInput(customer, provider.parseId);
    if (!query) throw new PortalLinkError('invalid-customer', { provider: provider.shortName });
    return query;
  }
  // Shopify ids are Appstle's; the one for this store's shop, if any, comes before the email.
  const shopifyId = store.provider === 'appstle' ? pickShopifyId(customer.shopify, store.storeDomain) : undefined;
  const query = preferredQuery({ ...customer, id: customer.id ?? shopifyId }, provider.parseId);
  if (!query) throw new PortalLinkError('no-customer', { provider: provider.shortName });
  return query;
}

export async function getPortalLink(
  store: Store,
  customer: string | CustomerRef,
  deps: { http: HttpDeps; cache: LinkCache },
): Promise<IssuedLink> {
  const provider = providerFor(store);
  const query = resolveQuery(store, customer);
  const key = cacheKey(store, query);
  const hit = cachedLink.safeParse(await deps.cache.get(key));
  if (hit.success && hit.data.expiresAt - deps.http.now() >= provider.lifetimeMs * REUSE_FRACTION) {
    return { ...hit.data, cached: true };
  }
  const link = await provider.issueLink(store, query, deps.http);
  // Not awaited: the agent's clipboard shouldn't wait for storage; a lost write is only a cache miss.
  deps.cache.set(key, { url: link.url, expiresAt: link.expiresAt }).catch(() => undefined);
  return { ...link, cached: false };
}

/** Whether a key works: a lookup of nobody answers 400/404 with a good key and 401/403 with a bad one. */
export async function testConnection(
  store: Store,
  http: HttpDeps,
): Promise<{ ok: true } | { ok: false; error: PortalLinkError }> {
  const provider = providerFor(store);
  try {
    await provider.issueLink(store, provider.probeQuery, http);
    return { ok: true };
  } catch (error) {
    if (error instanceof PortalLinkError && (error.code === 'customer-not-found' || error.code === 'bad-request')) {
      return { ok: true };
    }
    return { ok: false, error: error instanceof PortalLinkError ? error : new PortalLinkError('internal') };
  }
}

/** `storage.session` as a link cache (trusted contexts only: content scripts can't read it). */
export function sessionLinkCache(area: {
  get(keys: string | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}): LinkCache {
  return {
    get: async (key) => (await area.get(key))[key],
    set: (key, value) => area.set({ [key]: value }),
    clear: async (prefix) => {
      const all = await area.get(null);
      await area.remove(Object.keys(all).filter((k) => k.startsWith(prefix)));
    },
  };
}
