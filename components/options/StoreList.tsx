import type { KeyboardEvent } from 'react';
import type { Draft } from '@/lib/settings/drafts';
import type { KeySource } from '@/lib/settings/schema';
import { t } from '@/lib/shared/i18n';

/** The id of the panel the store tabs control (the store form). */
export const STORE_PANEL_ID = 'store-panel';
export const storeTabId = (draftId: string) => `store-tab-${draftId}`;

/** Where a store's key lives, as its tab says: the policy's and the relay's are marked, the agent's own are not. */
const SOURCE_SUFFIX: Record<KeySource, () => string> = {
  browser: () => '',
  policy: () => ` · ${t('options.managedSuffix')}`,
  relay: () => ` · ${t('relay.storeSuffix')}`,
};
const sourceSuffix = (source: KeySource) => SOURCE_SUFFIX[source]();

/** The stores as tabs (arrow keys move between them), and **Add store** at the end of the row. */
export function StoreList(props: {
  drafts: readonly Draft[];
  selectedId: string;
  defaultId?: string;
  /** Stores with a field to fix: marked in the list, since their form may not be the one shown. */
  invalidIds: ReadonlySet<string>;
  busy: boolean;
  onSelect(id: string): void;
  onAdd(): void;
}) {
  function onKeyDown(event: KeyboardEvent) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const at = props.drafts.findIndex((d) => d.id === props.selectedId);
    const next = props.drafts[(at + step + props.drafts.length) % props.drafts.length];
    if (!next) return;
    props.onSelect(next.id);
    document.getElementById(storeTabId(next.id))?.focus();
  }

  return (
    <div className="store-tabs">
      <div role="tablist" aria-label={t('options.stores')} onKeyDown={onKeyDown}>
        {props.drafts.map((d) => {
          const selected = d.id === props.selectedId;
          return (
            <button
              key={d.id}
              type="button"
              role="tab"
              id={storeTabId(d.id)}
              aria-selected={selected}
              aria-controls={STORE_PANEL_ID}
              tabIndex={selected ? 0 : -1}
              aria-invalid={props.invalidIds.has(d.id) ? 'true' : undefined}
              onClick={() => props.onSelect(d.id)}
            >
              {d.name.trim() || t('options.unnamedStore')}
              {d.id === props.defaultId ? ` ${t('options.defaultSuffix')}` : ''}
              {sourceSuffix(d.keySource)}
            </button>
          );
        })}
      </div>
      <button type="button" className="secondary add-store" onClick={props.onAdd} disabled={props.busy}>
        {t('options.addStore')}
      </button>
    </div>
  );
}
