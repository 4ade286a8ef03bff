/**
 * Stores (a provider, its key, its settings) and which helpdesk accounts use which store.
 * The schema is the only definition of a store; storage is validated on every read and write.
 */

import { providerFor, type Store, storeSchema } from '../providers/registry';
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
 * Settings as the background uses them: the agent's own stores merged with those an administrator
 * pushed by policy (lib/settings/managed.ts), which come first and are read-only.
 */
export type EffectiveSettings = Settings & {
  /** Stores that come from the administrator's policy. */
  managedStoreIds?: readonly string[];
  /** The administrator chose the default store. */
  managedDefault?: boolean;
  /** The administrator's policy was present but invalid, so it was ignored. */
  managedInvalid?: boolean;
  /** The browser had not loaded policies yet: managed stores (if any) are missing for now. */
  managedPending?: boolean;
  /** Stores served by the team relay (lib/settings/relay.ts): keyless here, links come from the relay. */
  relayStoreIds?: readonly string[];
  /** The team relay the agent is signed in to (`removed`: the relay says the administrator removed them). */
  relay?: { url: string; email: string; removed?: boolean };
  /** The relay address an administrator pushed by policy. */
  relayUrlPolicy?: string;
};

/** What extension pages see of a store: everything but the key, which is masked (managed: not even that). */
export type StoreView = (Store extends infer S ? (S extends Store ? Omit<S, 'apiKey'> : never) : never) & {
  apiKeyMask: string;
  managed?: boolean;
  /** Served by the team relay: read-only here. */
  relay?: boolean;
  /** Its provider can email the customer their link (and the store's links come from it directly). */
  canEmail?: boolean;
};
export interface SettingsView {
  stores: StoreView[];
  defaultStoreId?: string;
  managedDefault?: boolean;
  managedInvalid?: boolean;
  managedPending?: boolean;
  relay?: { url: string; email: string; removed?: boolean };
  relayUrlPolicy?: string;
}

export function toView(settings: EffectiveSettings): SettingsView {
  const managed = new Set(settings.managedStoreIds ?? []);
  const relay = new Set(settings.relayStoreIds ?? []);
  return {
    defaultStoreId: settings.defaultStoreId,
    ...(settings.managedDefault ? { managedDefault: true } : {}),
    ...(settings.managedInvalid ? { managedInvalid: true } : {}),
    ...(settings.managedPending ? { managedPending: true } : {}),
    ...(settings.relay ? { relay: settings.relay } : {}),
    ...(settings.relayUrlPolicy ? { relayUrlPolicy: settings.relayUrlPolicy } : {}),
    stores: settings.stores.map(({ apiKey, ...store }) => {
      // Settings in effect (e.g. a link type derived for a store saved before link types existed).
      const provider = providerFor(store);
      const rest = (provider.inEffect?.(store) ?? store) as typeof store;
      // The relay holds no email action for the extension: a relay store only mints links.
      const canEmail = provider.emailLink && !relay.has(rest.id) ? { canEmail: true } : {};
      return managed.has(rest.id)
        ? { ...rest, ...canEmail, apiKeyMask: '', managed: true }
        : relay.has(rest.id)
          ? { ...rest, apiKeyMask: '', relay: true }
          : { ...rest, ...canEmail, apiKeyMask: maskKey(apiKey) };
    }),
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
