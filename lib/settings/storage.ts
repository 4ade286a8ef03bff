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

export function watchSettings(callback: () => void): () => void {
  return settingsItem.watch(callback);
}
