/**
 * Stores (a provider, its key, its settings) and which helpdesk accounts use which store.
 * The schema is the only definition of a store; storage is validated on every read and write.
 */

import { z } from '../shared/zod';
import { hostClashes, hostOfUrl } from './store-resolution';

export const DEFAULT_PORTAL_TEMPLATE = 'https://{storeDomain}/tools/recurring/customer_portal?token={token}';

/**
 * How an Appstle store builds its link: `appstle` copies the complete link Appstle returns (the shop's
 * own domain and portal path); `token` fills **Portal URL template** with a portal token.
 */
export const APPSTLE_LINK_TYPES = ['appstle', 'token'] as const;
export type AppstleLinkType = (typeof APPSTLE_LINK_TYPES)[number];

const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'Use a host name such as acme.zendesk.com',
  );

const common = {
  id: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(80),
  apiKey: z.string().trim().max(512),
  helpdeskHosts: z.array(hostName).max(50).default([]),
};

export const appstleStoreSchema = z.object({
  ...common,
  provider: z.literal('appstle'),
  storeDomain: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.union([z.literal(''), hostName]).optional(),
  ),
  portalUrlTemplate: z
    .string()
    .trim()
    .default(DEFAULT_PORTAL_TEMPLATE)
    .refine(
      (t) => t.startsWith('https://') && t.includes('{token}'),
      'The template must start with https:// and contain {token}',
    ),
  /** Absent in settings saved (or policies written) before link types existed: see appstleLinkType. */
  linkType: z.enum(APPSTLE_LINK_TYPES).optional(),
});

export const gigstackStoreSchema = z.object({
  ...common,
  provider: z.literal('gigstack'),
  team: z
    .string()
    .trim()
    .max(128)
    .regex(/^[A-Za-z0-9_-]*$/, 'Team ids contain letters, digits, - and _ only')
    .optional(),
});

export const storeSchema = z.discriminatedUnion('provider', [appstleStoreSchema, gigstackStoreSchema]);
export type Store = z.infer<typeof storeSchema>;
export type ProviderId = Store['provider'];
export type AppstleStore = z.infer<typeof appstleStoreSchema>;
export type GigstackStore = z.infer<typeof gigstackStoreSchema>;

/**
 * The link type a store uses. Stores from before link types existed keep the token mode only when
 * they set their own template (it names their portal); the rest get Appstle's complete link.
 */
export function appstleLinkType(store: Pick<AppstleStore, 'linkType' | 'portalUrlTemplate'>): AppstleLinkType {
  if (store.linkType) return store.linkType;
  return store.portalUrlTemplate.trim() !== '' && store.portalUrlTemplate.trim() !== DEFAULT_PORTAL_TEMPLATE
    ? 'token'
    : 'appstle';
}

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

/** A host as typed or pasted: `https://Shop.example/path` and `shop.example/` both become `shop.example`. */
export function normaliseHost(text: string): string {
  const entry = text.trim();
  if (entry === '') return '';
  const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? hostOfUrl(entry) : entry.replace(/\/.*$/, '');
  return (host ?? entry).toLowerCase();
}

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
      // The link type in effect (stores saved before link types existed get theirs derived).
      const rest = store.provider === 'appstle' ? { ...store, linkType: appstleLinkType(store) } : store;
      return managed.has(rest.id)
        ? { ...rest, apiKeyMask: '', managed: true }
        : relay.has(rest.id)
          ? { ...rest, apiKeyMask: '', relay: true }
          : { ...rest, apiKeyMask: maskKey(apiKey) };
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
