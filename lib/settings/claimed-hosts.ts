/**
 * Helpdesk hosts that a policy or the team relay claims are hidden from the agent's own stores while
 * the claim lasts (managed.ts, relay.ts). The options page never sees them, so a save would drop
 * them for good: put back each store's saved hosts that are claimed now, so they return when the
 * claim ends (a policy removed, a sign-out).
 */
import type { EffectiveSettings, Settings } from './schema';

/** The hosts policy and relay stores claim in the settings the background acts on. */
export function claimedHosts(effective: EffectiveSettings): Set<string> {
  return new Set(effective.stores.filter((s) => s.keySource !== 'browser').flatMap((s) => s.helpdeskHosts));
}

export function keepClaimedHosts(incoming: Settings, saved: Settings, claimed: ReadonlySet<string>): Settings {
  const savedHosts = new Map(saved.stores.map((s) => [s.id, s.helpdeskHosts]));
  return {
    ...incoming,
    stores: incoming.stores.map((store) => {
      const hidden = (savedHosts.get(store.id) ?? []).filter((h) => claimed.has(h) && !store.helpdeskHosts.includes(h));
      return hidden.length ? { ...store, helpdeskHosts: [...store.helpdeskHosts, ...hidden] } : store;
    }),
  };
}
