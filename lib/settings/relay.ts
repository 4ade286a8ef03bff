/**
 * The team relay as settings see it: its address, who is signed in, and the stores it serves. Relay
 * stores join the effective settings like any other store (popup Store select, helpdesk mapping, menu,
 * shortcut) with `keySource: 'relay'`: the key stays on the relay, and so does every call with it
 * (lib/background/link-source.ts).
 */

import { z } from '../shared/zod';
import { type EffectiveSettings, type RelayStore, relayStoreSchema } from './schema';

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

/**
 * Relay stores come after the administrator's managed stores and before the agent's own. Ids stay
 * unique: a relay store with a policy store's id is left out, a local store with a relay store's id is
 * hidden while signed in. A helpdesk host a managed store claims stays managed; one the relay claims
 * is taken from local stores.
 */
export function mergeRelay(settings: EffectiveSettings, session: RelaySession | undefined): EffectiveSettings {
  if (!session) return settings;
  const managed = settings.stores.filter((s) => s.keySource === 'policy');
  const managedIds = new Set(managed.map((s) => s.id));
  const managedHosts = new Set(managed.flatMap((s) => s.helpdeskHosts));
  const relay: RelayStore[] = session.stores
    .filter((s) => !managedIds.has(s.id))
    .map((s) => ({ ...s, keySource: 'relay', helpdeskHosts: s.helpdeskHosts.filter((h) => !managedHosts.has(h)) }));
  const relayIds = new Set(relay.map((s) => s.id));
  const relayHosts = new Set(relay.flatMap((s) => s.helpdeskHosts));
  const local = settings.stores
    .filter((s) => s.keySource === 'browser' && !relayIds.has(s.id))
    .map((s) => ({ ...s, helpdeskHosts: s.helpdeskHosts.filter((h) => !relayHosts.has(h)) }));
  return {
    ...settings,
    stores: [...managed, ...relay, ...local],
    relay: { url: session.url, email: session.email, ...(session.removed ? { removed: true } : {}) },
  };
}
