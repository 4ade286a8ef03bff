/** Settings in `storage.local` (never `sync`: keys must not leave the device), validated both ways. */
import { storage } from 'wxt/utils/storage';
import { PortalLinkError } from '../shared/errors';
import { EMPTY_SETTINGS, type Settings, settingsSchema } from './schema';

const settingsItem = storage.defineItem<unknown>('local:settings', { fallback: EMPTY_SETTINGS });

export async function loadSettings(): Promise<Settings> {
  const parsed = settingsSchema.safeParse(await settingsItem.getValue());
  if (!parsed.success) throw new PortalLinkError('settings-invalid');
  return parsed.data;
}

/** One `set` of one key: the write is whole or not at all. */
export async function saveSettings(settings: Settings): Promise<Settings> {
  const valid = settingsSchema.parse(settings);
  await settingsItem.setValue(valid);
  return valid;
}

/**
 * The settings as the background reads them on every copy: parsed once and kept until they change
 * (zod over all stores costs milliseconds, on each click). `changed()` is told by storage.onChanged;
 * a read begun before a change is not kept.
 */
export function cachedSettings(load: () => Promise<Settings> = loadSettings, save = saveSettings) {
  let current: Promise<Settings> | undefined;
  return {
    load(): Promise<Settings> {
      if (current) return current;
      const read = load();
      current = read;
      read.catch(() => {
        if (current === read) current = undefined; // an unreadable store is read again next time
      });
      return read;
    },
    async save(settings: Settings): Promise<Settings> {
      const saved = await save(settings);
      current = Promise.resolve(saved);
      return saved;
    },
    changed(): void {
      current = undefined;
    },
  };
}
