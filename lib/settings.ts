/**
 * Stores (a provider, its key, its settings) and which helpdesk accounts use which store.
 * The schema is the only definition of a store; storage is validated on every read and write.
 */
import { z } from './zod';

export const DEFAULT_PORTAL_TEMPLATE = 'https://{storeDomain}/tools/recurring/customer_portal?token={token}';

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

export const settingsSchema = z
  .object({
    stores: z.array(storeSchema).max(50),
    defaultStoreId: z.string().optional(),
  })
  .superRefine((settings, ctx) => {
    const owner = new Map<string, string>();
    for (const store of settings.stores) {
      for (const host of store.helpdeskHosts) {
        const other = owner.get(host);
        if (other !== undefined && other !== store.id) {
          ctx.addIssue({ code: 'custom', message: `${host} is already used by another store`, path: ['stores'] });
        }
        owner.set(host, store.id);
      }
    }
    if (new Set(settings.stores.map((s) => s.id)).size !== settings.stores.length) {
      ctx.addIssue({ code: 'custom', message: 'Store ids must be unique', path: ['stores'] });
    }
  });
export type Settings = z.infer<typeof settingsSchema>;

export const EMPTY_SETTINGS: Settings = { stores: [] };

/** The store for a helpdesk host: the one mapping it, else the default, else the first. */
export function resolveStore(settings: Settings, host?: string): Store | undefined {
  const wanted = host?.toLowerCase();
  const mapped = wanted ? settings.stores.find((s) => s.helpdeskHosts.includes(wanted)) : undefined;
  return mapped ?? defaultStore(settings);
}

export function defaultStore(settings: Settings): Store | undefined {
  return settings.stores.find((s) => s.id === settings.defaultStoreId) ?? settings.stores[0];
}

/** `•••• 3f9a`: enough to recognise a key, never enough to use it. */
export function maskKey(key: string): string {
  if (key === '') return '';
  return key.length >= 12 ? `•••• ${key.slice(-4)}` : '••••';
}

/** What extension pages see of a store: everything but the key, which is masked. */
export type StoreView = (Store extends infer S ? (S extends Store ? Omit<S, 'apiKey'> : never) : never) & {
  apiKeyMask: string;
};
export interface SettingsView {
  stores: StoreView[];
  defaultStoreId?: string;
}

export function toView(settings: Settings): SettingsView {
  return {
    defaultStoreId: settings.defaultStoreId,
    stores: settings.stores.map(({ apiKey, ...rest }) => ({ ...rest, apiKeyMask: maskKey(apiKey) })),
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
