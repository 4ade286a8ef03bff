/**
 * Turns "this customer, this store" into a portal link: parse, look in the cache, ask the provider.
 * The cache is kept in memory and copied to `storage.session`, which outlives the worker's globals.
 */

import type { HttpDeps } from '../providers/http';
import { providerFor, type Store } from '../providers/registry';
import type { PortalLink } from '../providers/types';
import {
  type CustomerQuery,
  type CustomerRef,
  normalizeEmail,
  parseCustomerInput,
  preferredQuery,
  queryKey,
} from '../shared/customer';
import { PortalLinkError } from '../shared/error-codes';
import { z } from '../shared/zod';

/**
 * A link handed out is handed out again only for a repeat this soon after it was minted (a double
 * click, the popup right after the button): providers treat links as single-use, so a later copy
 * gets a fresh one.
 */
export const REUSE_WINDOW_MS = 2 * 60_000;

export interface LinkCache {
  get(key: string): Promise<unknown>;
  /** Stores the entry unless the cache was invalidated after `generation` was read. */
  set(key: string, value: unknown, generation: number): Promise<void>;
  /** Read before a link is minted: a write from before an invalidation is dropped. */
  generation(): number;
  /** Settings or policy changed: forget every link, and every write begun before now. */
  invalidate(): Promise<void>;
  /** These keys were removed from the stored copy by someone else (`storage.onChanged`): forget them too. */
  forget(keys: string[]): void;
}

export interface IssuedLink extends PortalLink {
  cached: boolean;
  /** Time spent in the provider's request(s), 0 when cached: the benchmark's overhead is the rest. */
  providerMs: number;
  /** Whom the link is for, as confirmations name them: the email used, else the customer id. */
  customer: string;
}

const cachedLink = z.object({ url: z.string().url(), expiresAt: z.number(), issuedAt: z.number() });

/** Store properties that do not change which link is minted. */
const NOT_MINTING = new Set(['id', 'name', 'helpdeskHosts']);

/**
 * A digest of everything that decides the minted link (provider, key, domain, template, team, and
 * any field a provider adds): a link minted under other settings, or for another store that once
 * had this id, is never found. Not cryptographic; the key itself never leaves storage.session.
 */
export function settingsDigest(store: Store): string {
  const entries = Object.entries(store)
    .filter(([k]) => !NOT_MINTING.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const text = JSON.stringify(entries);
  // cyrb53: two 32-bit FNV-style lanes, 53 bits in all.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The link cache's keys in `storage.session` start with this (nothing else there does). */
export const LINK_KEY_PREFIX = 'link:';

/** The link keys a `storage.onChanged` event removed. */
export function removedLinkKeys(changes: Record<string, { oldValue?: unknown; newValue?: unknown }>): string[] {
  return Object.keys(changes).filter((key) => key.startsWith(LINK_KEY_PREFIX) && changes[key]?.newValue === undefined);
}

export function cacheKey(store: Store, query: CustomerQuery): string {
  return `${LINK_KEY_PREFIX}${settingsDigest(store)}:${queryKey(query)}`;
}

/** Typed text wins; otherwise the detected customer's id, then email. */
export function resolveQuery(
  store: Partial<Store> & Pick<Store, 'provider'>,
  customer: string | CustomerRef,
): CustomerQuery {
  const provider = providerFor<Store>(store);
  if (typeof customer === 'string') {
    const query = parseCustomerInput(customer, provider.parseId);
    if (!query) throw new PortalLinkError('invalid-customer', { provider: provider.shortName });
    return query;
  }
  // An id the provider takes among what the helpdesk knows (a Shopify id for this store's shop) comes first.
  const query = preferredQuery(
    { ...customer, id: customer.id ?? provider.pickId?.(customer, store) },
    provider.parseId,
  );
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
  const generation = deps.cache.generation();
  const hit = cachedLink.safeParse(await deps.cache.get(key));
  const now = deps.http.now();
  const label = customerLabel(query, customer);
  if (hit.success && now - hit.data.issuedAt < REUSE_WINDOW_MS && hit.data.expiresAt - now > REUSE_WINDOW_MS) {
    return { url: hit.data.url, expiresAt: hit.data.expiresAt, cached: true, providerMs: 0, customer: label };
  }
  const asked = performance.now();
  const link = await provider.issueLink(store, query, deps.http);
  const providerMs = performance.now() - asked;
  // Not awaited: the agent's clipboard shouldn't wait for storage; a lost write is only a cache miss.
  deps.cache
    .set(key, { url: link.url, expiresAt: link.expiresAt, issuedAt: deps.http.now() }, generation)
    .catch(() => undefined);
  return { ...link, cached: false, providerMs, customer: label };
}

/**
 * The customer as a confirmation names them: the email the lookup used, else the email the helpdesk
 * showed for the person looked up by id, else the id itself.
 */
export function customerLabel(query: CustomerQuery, customer: string | CustomerRef): string {
  if (query.kind === 'email') return query.email;
  const email = typeof customer === 'string' ? undefined : customer.email && normalizeEmail(customer.email);
  return email || query.id;
}

/**
 * Whom an email goes to: the typed email, else the email the helpdesk showed. A customer known only
 * by id can't be emailed, and a provider without an email action refuses here, before any request.
 */
export function emailAddress(store: Pick<Store, 'provider'>, customer: string | CustomerRef): string {
  const provider = providerFor<Store>(store);
  if (!provider.emailLink) throw new PortalLinkError('email-unsupported', { provider: provider.shortName });
  const typed = typeof customer === 'string' ? parseCustomerInput(customer, provider.parseId) : undefined;
  if (typeof customer === 'string' && !typed) {
    throw new PortalLinkError('invalid-customer', { provider: provider.shortName });
  }
  const email =
    typed?.kind === 'email'
      ? typed.email
      : typeof customer === 'string'
        ? undefined
        : normalizeEmail(customer.email ?? '');
  if (!email) throw new PortalLinkError('email-needed', { provider: provider.shortName });
  return email;
}

/** Has the provider email the customer their own link: sent once, never retried, nothing cached. */
export async function emailPortalLink(
  store: Store,
  customer: string | CustomerRef,
  http: HttpDeps,
): Promise<{ to: string }> {
  const to = emailAddress(store, customer);
  const provider = providerFor(store);
  await provider.emailLink?.call(provider, store, to, http);
  return { to };
}

/** Whether a key works: a lookup of nobody answers 400/404 with a good key and 401/403 with a bad one. */
export async function testConnection(
  store: Store,
  http: HttpDeps,
): Promise<{ ok: true } | { ok: false; error: PortalLinkError }> {
  const provider = providerFor(store);
  try {
    await provider.issueLink(store, provider.probeFor?.(store) ?? provider.probeQuery, http);
    return { ok: true };
  } catch (error) {
    if (error instanceof PortalLinkError && (error.code === 'customer-not-found' || error.code === 'bad-request')) {
      return { ok: true };
    }
    return { ok: false, error: error instanceof PortalLinkError ? error : new PortalLinkError('internal') };
  }
}

/**
 * The link cache: in the worker's memory, with `storage.session` as a write-behind copy for when the
 * worker restarts (its globals die after 30 s idle): the first look after a start reads the stored
 * copy, later ones read memory only. Links removed from the stored copy by someone else are
 * forgotten through `forget` (storage.onChanged). Trusted contexts only (content scripts can't read
 * storage.session). The generation lives in memory: a write in flight dies with its worker.
 */
export function sessionLinkCache(area: {
  get(keys: string | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}): LinkCache {
  let generation = 0;
  const memory = new Map<string, unknown>();
  // The stored copy is read once per worker life; from then on memory holds every link, so a miss
  // (every uncached click) costs no storage round trip either.
  let loaded: Promise<void> | undefined;
  const load = () =>
    (loaded ??= area.get(null).then(
      (all) => {
        for (const [key, value] of Object.entries(all)) {
          if (key.startsWith(LINK_KEY_PREFIX) && !memory.has(key)) memory.set(key, value);
        }
      },
      () => {
        loaded = undefined; // try again next time
      },
    ));
  return {
    get: async (key) => {
      await load();
      return memory.get(key);
    },
    set: async (key, value, writtenFor) => {
      if (writtenFor !== generation) return;
      memory.set(key, value);
      await area.set({ [key]: value });
    },
    generation: () => generation,
    forget: (keys) => {
      for (const key of keys) memory.delete(key);
    },
    invalidate: async () => {
      generation += 1;
      memory.clear();
      const all = await area.get(null);
      await area.remove(Object.keys(all).filter((k) => k.startsWith(LINK_KEY_PREFIX)));
    },
  };
}
