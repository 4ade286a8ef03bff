/**
 * Stores (a provider, its key, its settings) and which helpdesk accounts use which store.
 * The schema is the only definition of a store; storage is validated on every read and write.
 */

import { type ProviderId, providerFor, providerIds, type Store, storeSchema } from '../providers/registry';
import { hostClashes, hostName, normaliseHost } from '../providers/store-fields';
import { z } from '../shared/zod';

export const settingsSchema = z
  .object({
    stores: z.array(storeSchema).max(50),
    defaultStoreId: z.string().optional(),
  })
  .superRefine((settings, ctx) => {
    for (const clash of hostClashes(settings.stores)) {
      ctx.addIssue({ code: 'custom', message: `${clash.host} is already used by another store`, path: ['stores'] });
    }
    if (new Set(settings.stores.map((s) => s.id)).size !== settings.stores.length) {
      ctx.addIssue({ code: 'custom', message: 'Store ids must be unique', path: ['stores'] });
    }
  });
export type Settings = z.infer<typeof settingsSchema>;

export const EMPTY_SETTINGS: Settings = { stores: [] };

/**
 * The options page's **Helpdesk accounts** field: host names separated by commas (or spaces).
 * A pasted URL is reduced to its host; anything else that is not a host name is reported by name.
 */
export function parseHelpdeskHosts(text: string): { ok: true; hosts: string[] } | { ok: false; invalid: string } {
  const hosts: string[] = [];
  for (const entry of text.split(/[\s,;]+/).filter(Boolean)) {
    const parsed = hostName.safeParse(normaliseHost(entry));
    if (!parsed.success) return { ok: false, invalid: entry };
    if (!hosts.includes(parsed.data)) hosts.push(parsed.data);
  }
  return { ok: true, hosts };
}

/** `•••• 3f9a`: enough to recognise a key, never enough to use it. */
export function maskKey(key: string): string {
  if (key === '') return '';
  return key.length >= 12 ? `•••• ${key.slice(-4)}` : '••••';
}

/**
 * Where a store's key lives: in this browser (a store the agent set up), in the administrator's policy
 * (lib/settings/managed.ts), or on the team relay (lib/settings/relay.ts), which keeps the key and
 * makes every call with it. Set where stores are assembled; the background's link requests follow it
 * (lib/background/link-source.ts), and the options page shows it (policy and relay stores are read-only).
 */
export type KeySource = 'browser' | 'policy' | 'relay';

/** A store whose key is here, in this browser or in the policy: its links come from its provider. */
export type KeyedStore = Store & { keySource: 'browser' | 'policy' };
/** What `GET /v1/stores` says of a team relay's store (DESIGN: no key, ever; the id is the relay's own). */
export const relayStoreSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(80),
  provider: z.enum(providerIds as [ProviderId, ...ProviderId[]]),
  helpdeskHosts: z.array(z.string().max(253)).max(50),
});
/** A team relay's store, as `GET /v1/stores` describes it (its id the relay's own): no key, no settings here. */
export type RelayStore = z.infer<typeof relayStoreSchema> & { keySource: 'relay' };
/** A store the background acts on, from any of the three places. */
export type EffectiveStore = KeyedStore | RelayStore;

/**
 * Settings as the background uses them: the administrator's stores (policy, first and read-only), the
 * team relay's, then the agent's own; store ids are unique across them (managed.ts, relay.ts).
 */
export interface EffectiveSettings {
  stores: EffectiveStore[];
  defaultStoreId?: string;
  /** The administrator chose the default store. */
  managedDefault?: boolean;
  /** The administrator's policy was present but invalid, so it was ignored. */
  managedInvalid?: boolean;
  /** The browser had not loaded policies yet: managed stores (if any) are missing for now. */
  managedPending?: boolean;
  /** The team relay the agent is signed in to (`removed`: the relay says the administrator removed them). */
  relay?: { url: string; email: string; removed?: boolean };
  /** The relay address an administrator pushed by policy. */
  relayUrlPolicy?: string;
}

/** The agent's own stores, as the effective settings' stores from this browser. */
export const inBrowser = (stores: readonly Store[]): KeyedStore[] =>
  stores.map((store) => ({ ...store, keySource: 'browser' }));

/** The stores whose key is here (browser or policy), as saved settings (Test connection's keys). */
export const keyedStores = (settings: EffectiveSettings): { stores: KeyedStore[] } => ({
  stores: settings.stores.filter((s): s is KeyedStore => s.keySource !== 'relay'),
});

type WithoutKey<S> = S extends Store ? Omit<S, 'apiKey'> : never;
/**
 * What extension pages see of a store: where its key lives, and never the key (a browser store's is
 * masked; a policy's is not even that); a relay store is only what the relay says of it.
 */
export type StoreView = ((WithoutKey<Store> & { keySource: 'browser' | 'policy' }) | RelayStore) & {
  apiKeyMask: string;
  /** Its provider can email the customer their link (through the relay for a relay store). */
  canEmail?: boolean;
};
/** What extension pages see of the settings: the same, with every store as a view. */
export type SettingsView = Omit<EffectiveSettings, 'stores'> & { stores: StoreView[] };

function storeView(store: EffectiveStore): StoreView {
  const provider = providerFor(store);
  const canEmail = provider.emailLink ? { canEmail: true } : {};
  if (store.keySource === 'relay') return { ...store, ...canEmail, apiKeyMask: '' };
  const { apiKey, ...rest } = store;
  // Settings in effect (e.g. a link type derived for a store saved before link types existed).
  const shown = (provider.inEffect?.(rest) ?? rest) as typeof rest;
  return { ...shown, ...canEmail, apiKeyMask: store.keySource === 'policy' ? '' : maskKey(apiKey) };
}

export function toView(settings: EffectiveSettings): SettingsView {
  return {
    defaultStoreId: settings.defaultStoreId,
    ...(settings.managedDefault ? { managedDefault: true } : {}),
    ...(settings.managedInvalid ? { managedInvalid: true } : {}),
    ...(settings.managedPending ? { managedPending: true } : {}),
    ...(settings.relay ? { relay: settings.relay } : {}),
    ...(settings.relayUrlPolicy ? { relayUrlPolicy: settings.relayUrlPolicy } : {}),
    stores: settings.stores.map(storeView),
  };
}

/**
 * Stores as the options page sends them: an empty key means "keep the saved one", so a saved
 * key never has to travel back to the page to be preserved.
 */
export function mergeKeys(incoming: Settings, saved: Settings): Settings {
  // Keyed by id *and* provider: a store switched to another provider must not send it the old key.
  const savedKeys = new Map(saved.stores.map((s) => [`${s.provider}:${s.id}`, s.apiKey]));
  return {
    ...incoming,
    stores: incoming.stores.map((s) =>
      s.apiKey === '' ? { ...s, apiKey: savedKeys.get(`${s.provider}:${s.id}`) ?? '' } : s,
    ),
  };
}
