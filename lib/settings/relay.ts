/**
 * The team relay as settings see it: its address, who is signed in, and the stores it serves. Relay
 * stores join the effective settings like any other store (popup Store select, helpdesk mapping, menu,
 * shortcut) but carry no key: their links are asked from the relay (lib/background/relay.ts).
 */

import { DEFAULT_PORTAL_TEMPLATE } from '../providers/appstle/settings';
import type { Store } from '../providers/registry';
import { z } from '../shared/zod';
import type { EffectiveSettings } from './schema';

/** Relay stores get this id prefix, so a relay store id can never be mistaken for a local one. */
export const RELAY_ID_PREFIX = 'relay:';
export const isRelayStoreId = (id: string) => id.startsWith(RELAY_ID_PREFIX);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The relay's origin from what an agent typed or a policy says: https, or http on this machine (dev). */
export function parseRelayUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  const ok = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  return ok ? url.origin : undefined;
}

/** The permission pattern for exactly the relay's origin (the only host asked for at sign in). */
export const relayOriginPattern = (origin: string) => `${origin}/*`;

export const relayStoreSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(80),
  provider: z.enum(['appstle', 'gigstack']),
  helpdeskHosts: z.array(z.string().max(253)).max(50),
});
export type RelayStore = z.infer<typeof relayStoreSchema>;

/**
 * What `storage.local` keeps about the relay. The refresh token is sealed (sealing.ts); a clear
 * `refreshToken` was stored before sealing and is sealed on the next read. `removed`: the relay said
 * the administrator removed this agent; the address and stores stay, so the next action is refused
 * by the relay (and audited there) and signing in again takes only a new code.
 */
export const relaySessionSchema = z.object({
  url: z.string(),
  email: z.string(),
  sealedRefreshToken: z.string().min(1).max(2048).optional(),
  refreshToken: z.string().min(1).max(256).optional(),
  stores: z.array(relayStoreSchema).max(50),
  removed: z.literal(true).optional(),
});
export type RelaySession = z.infer<typeof relaySessionSchema>;

/** A relay store as a keyless Store of its provider, so parsing and mapping work unchanged. */
export function relayAsStore(store: RelayStore): Store {
  const common = {
    id: `${RELAY_ID_PREFIX}${store.id}`,
    name: store.name,
    apiKey: '',
    helpdeskHosts: store.helpdeskHosts,
  };
  return store.provider === 'appstle'
    ? { ...common, provider: 'appstle', storeDomain: '', portalUrlTemplate: DEFAULT_PORTAL_TEMPLATE }
    : { ...common, provider: 'gigstack' };
}

/**
 * Relay stores come after the administrator's managed stores and before the agent's own: a helpdesk
 * host a managed store claims stays managed; one the relay claims is taken from local stores.
 */
export function mergeRelay(settings: EffectiveSettings, session: RelaySession | undefined): EffectiveSettings {
  if (!session) return settings;
  const managed = new Set(settings.managedStoreIds ?? []);
  const managedHosts = new Set(settings.stores.filter((s) => managed.has(s.id)).flatMap((s) => s.helpdeskHosts));
  const relay = session.stores.map(relayAsStore).map((s) => ({
    ...s,
    helpdeskHosts: s.helpdeskHosts.filter((h) => !managedHosts.has(h)),
  }));
  const relayHosts = new Set(relay.flatMap((s) => s.helpdeskHosts));
  const local = settings.stores
    .filter((s) => !managed.has(s.id) && !isRelayStoreId(s.id))
    .map((s) => ({ ...s, helpdeskHosts: s.helpdeskHosts.filter((h) => !relayHosts.has(h)) }));
  return {
    ...settings,
    stores: [...settings.stores.filter((s) => managed.has(s.id)), ...relay, ...local],
    relayStoreIds: relay.map((s) => s.id),
    relay: { url: session.url, email: session.email, ...(session.removed ? { removed: true } : {}) },
  };
}
