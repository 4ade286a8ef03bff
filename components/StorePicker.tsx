import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import type { StoreView } from '@/lib/settings/schema';
import { hostOfUrl, resolveStore } from '@/lib/settings/store-resolution';
import { t } from '@/lib/shared/i18n';
import { send } from '@/lib/shared/messaging-client';

/** The active tab's host: opening the popup grants activeTab, so its URL is readable without `tabs`. */
export async function activeTabHost(): Promise<string | undefined> {
  try {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    return hostOfUrl(tab?.url);
  } catch {
    return undefined;
  }
}

/**
 * The popup's **Store** select, shown only when there is more than one store. It preselects the
 * store the active tab's helpdesk account maps to, else the default, and reports the choice.
 */
export function StorePicker({
  value,
  onChange,
  tabHost,
}: {
  value?: string;
  onChange(storeId: string | undefined): void;
  tabHost: Promise<string | undefined>;
}) {
  const [stores, setStores] = useState<StoreView[]>([]);

  useEffect(() => {
    let live = true;
    void Promise.all([send('get-settings'), tabHost]).then(([reply, host]) => {
      if (!live || !reply.ok || reply.settings.stores.length < 2) return;
      setStores(reply.settings.stores);
      onChange(resolveStore(reply.settings, host)?.id);
    });
    return () => {
      live = false;
    };
  }, [onChange, tabHost]);

  if (stores.length < 2) return null;
  return (
    <>
      <label htmlFor="store">{t('popup.store')}</label>
      <select id="store" value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        {stores.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </>
  );
}
