/** Settings in `storage.local` (never `sync`: keys must not leave the device), validated both ways. */
import { storage } from 'wxt/utils/storage';
import { PortalLinkError } from '../shared/error-codes';
import { EMPTY_SETTINGS, type Settings, settingsSchema } from './schema';

const settingsItem = storage.defineItem<unknown>('local:settings', { fallback: EMPTY_SETTINGS });

export async function loadSettings(): Promise<Settings> {
  return parseSettings(await settingsItem.getValue());
}

function parseSettings(raw: unknown): Settings {
  const parsed = settingsSchema.safeParse(raw);
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
 * The settings as the background reads them on every copy: read each time (a cheap storage get, so a
 * write from anywhere is seen at once) but validated only when they differ from the last read (zod
 * over all stores costs milliseconds, on each click).
 */
export function cachedSettings(read: () => Promise<unknown> = () => settingsItem.getValue(), save = saveSettings) {
  let last: { text: string; settings: Settings } | undefined;
  return {
    async load(): Promise<Settings> {
      const raw = await read();
      const text = JSON.stringify(raw);
      if (last?.text === text) return last.settings;
      const settings = parseSettings(raw);
      last = { text, settings };
      return settings;
    },
    save,
  };
}
