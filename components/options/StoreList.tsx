import type { Draft } from '@/lib/settings/drafts';
import { t } from '@/lib/shared/i18n';

/** The stores as a list of buttons (the selected one current), and **Add store**. */
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
  return (
    <nav aria-label={t('options.stores')}>
      <ul className="store-list">
        {props.drafts.map((d) => (
          <li key={d.id}>
            <button
              type="button"
              className={d.id === props.selectedId ? '' : 'secondary'}
              aria-current={d.id === props.selectedId ? 'true' : undefined}
              aria-invalid={props.invalidIds.has(d.id) ? 'true' : undefined}
              onClick={() => props.onSelect(d.id)}
            >
              {d.name.trim() || t('options.unnamedStore')}
              {d.id === props.defaultId ? ` ${t('options.defaultSuffix')}` : ''}
              {d.relay ? ` · ${t('relay.storeSuffix')}` : d.managed ? ` · ${t('options.managedSuffix')}` : ''}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" onClick={props.onAdd} disabled={props.busy}>
        {t('options.addStore')}
      </button>
    </nav>
  );
}
