/**
 * The relay's side of the shared provider code (lib/providers): stores from D1 become the same Store
 * objects the extension uses, and provider calls go through the same HTTP client, with a fetch that
 * fits workerd (no `credentials`/`cache` options, redirects never followed) and, in local development
 * only, provider hosts pointed at a loopback mock.
 */
import type { HttpDeps } from '../../lib/providers/http';
import { providerFor, providerList, type Store } from '../../lib/providers/registry';
import type { PortalLink } from '../../lib/providers/types';
import type { CustomerQuery } from '../../lib/shared/customer';
import { PortalLinkError } from '../../lib/shared/error-codes';
import type { Env } from './env';

/** A mock base is honoured only on loopback over http, or over https anywhere (e.g. a staging mock). */
export function mockBase(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback) ? url : undefined;
  } catch {
    return undefined;
  }
}

export function relayFetch(env: Env): typeof fetch {
  const overrides = new Map<string, URL>();
  // Only under relay:dev (env.ts providerOverridesRefused, checked before any link is served).
  const dev = env.RELAY_DEV === '1';
  for (const provider of providerList) {
    const base = dev ? mockBase(env[`${provider.id.toUpperCase()}_API_BASE`]) : undefined;
    // A provider's hosts are permission patterns (`https://host/*`): their origin is what is mocked.
    for (const host of provider.hosts) if (base) overrides.set(new URL(host.replace(/\*$/, '')).origin, base);
  }
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    const base = overrides.get(url.origin);
    if (base) url = new URL(`${base.href.replace(/\/$/, '')}${url.pathname}${url.search}`);
    const { credentials: _credentials, cache: _cache, redirect: _redirect, ...rest } = init ?? {};
    const response = await globalThis.fetch(url.href, { ...rest, redirect: 'manual' });
    return response;
  };
}

export function relayHttp(env: Env): HttpDeps {
  return {
    fetch: relayFetch(env),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    online: () => true,
  };
}

export function issueLink(store: Store, query: CustomerQuery, http: HttpDeps): Promise<PortalLink> {
  return providerFor(store).issueLink(store, query, http);
}

/** Asks the provider to email the customer their link (sends mail: asked once, never retried). */
export async function sendPortalEmail(store: Store, email: string, http: HttpDeps): Promise<void> {
  const provider = providerFor(store);
  if (!provider.emailLink) throw new PortalLinkError('bad-request', { provider: provider.shortName });
  await provider.emailLink(store, email, http);
}
