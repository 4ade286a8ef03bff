import { browser } from 'wxt/browser';
import type { StoreView } from '@/lib/settings/schema';
import { hostOfUrl } from '@/lib/settings/store-resolution';
import { t } from '@/lib/shared/i18n';

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
 * The popup's **Store** select, shown only when there is more than one store; the popup preselects
 * the store the active tab's helpdesk account maps to, else the default.
 */
export function StorePicker(props: {
  stores: readonly StoreView[];
  value?: string;
  onChange(storeId: string | undefined): void;
}) {
  if (props.stores.length < 2) return null;
  return (
    <>
      <label htmlFor="store">{t('popup.store')}</label>
      <select id="store" value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value)}>
        {props.stores.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </>
  );
}
