/**
 * Settings in `storage.local` (never `sync`: keys must not leave the device), validated both ways.
 * Stored, every store's `apiKey` is empty and the keys sit together in one sealed value
 * (`sealedKeys`, sealing.ts): one unseal per changed read, none per click.
 */
import { storage } from 'wxt/utils/storage';
import { PortalLinkError } from '../shared/error-codes';
import { EMPTY_SETTINGS, type Settings, settingsSchema } from './schema';
import { isSealed, type Sealer } from './sealing';

export const settingsItem = storage.defineItem<unknown>('local:settings', { fallback: EMPTY_SETTINGS });

export interface SettingsItem {
  getValue(): Promise<unknown>;
  setValue(value: unknown): Promise<void>;
}

function parseSettings(raw: unknown): Settings {
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw new PortalLinkError('settings-invalid');
  return parsed.data;
}

/** What storage holds: the settings without keys, plus the keys sealed by store id. */
export async function toStored(settings: Settings, sealer: Sealer): Promise<Record<string, unknown>> {
  const keys = Object.fromEntries(settings.stores.filter((s) => s.apiKey !== '').map((s) => [s.id, s.apiKey]));
  return {
    ...settings,
    stores: settings.stores.map((s) => ({ ...s, apiKey: '' })),
    ...(Object.keys(keys).length > 0 ? { sealedKeys: await sealer.seal(JSON.stringify(keys)) } : {}),
  };
}

/** The settings from what storage holds; `plain`: a key was stored in clear (saved before sealing). */
export async function fromStored(raw: unknown, sealer: Sealer): Promise<{ settings: Settings; plain: boolean }> {
  const stored = raw as { stores?: unknown; sealedKeys?: unknown } | null;
  if (typeof stored !== 'object' || stored === null || !Array.isArray(stored.stores)) {
    return { settings: parseSettings(raw), plain: false };
  }
  const stores = stored.stores as { id?: unknown; apiKey?: unknown }[];
  const plain = stores.some((s) => typeof s?.apiKey === 'string' && s.apiKey !== '');
  const keys = stored.sealedKeys === undefined ? {} : await unsealKeys(stored.sealedKeys, sealer);
  const withKeys = stores.map((s) => {
    const key = typeof s?.id === 'string' ? keys[s.id] : undefined;
    return key && !s.apiKey ? { ...s, apiKey: key } : s;
  });
  return { settings: parseSettings({ ...stored, stores: withKeys }), plain };
}

async function unsealKeys(sealed: unknown, sealer: Sealer): Promise<Record<string, string>> {
  if (!isSealed(sealed)) throw new PortalLinkError('settings-invalid');
  const keys: unknown = JSON.parse(await sealer.unseal(sealed));
  if (typeof keys !== 'object' || keys === null || Object.values(keys).some((k) => typeof k !== 'string')) {
    throw new PortalLinkError('settings-invalid');
  }
  return keys as Record<string, string>;
}

/**
 * The settings as the background reads them on every copy: read each time (a cheap storage get, so a
 * write from anywhere is seen at once) but unsealed and validated only when they differ from the last
 * read. Keys found in clear (settings from before sealing, or written by hand) are sealed in place.
 */
export function settingsStorage(sealer: Sealer, item: SettingsItem = settingsItem) {
  let last: { text: string; settings: Settings } | undefined;

  async function save(settings: Settings): Promise<Settings> {
    const valid = settingsSchema.parse(settings);
    // One `set` of one key: the write is whole or not at all.
    await item.setValue(await toStored(valid, sealer));
    return valid;
  }

  /** Seals keys stored in clear, unless the settings changed meanwhile (then the new ones win). */
  async function sealInPlace(text: string, settings: Settings) {
    const stored = await toStored(settings, sealer);
    if (JSON.stringify(await item.getValue()) === text) await item.setValue(stored);
  }

  async function load(): Promise<Settings> {
    const raw = await item.getValue();
    const text = JSON.stringify(raw);
    if (last?.text === text) return last.settings;
    const { settings, plain } = await fromStored(raw, sealer);
    last = { text, settings };
    if (plain) await sealInPlace(text, settings);
    return settings;
  }

  return { load, save };
}
