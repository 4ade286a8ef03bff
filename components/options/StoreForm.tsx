import type { ReactNode } from 'react';
import { type ProviderId, providerList } from '@/lib/providers/registry';
import { type Draft, type FieldErrors, inputId, visibleFields, words } from '@/lib/settings/drafts';
import { t } from '@/lib/shared/i18n';

/** The provider select's value for the team relay (not a provider of its own: the relay's stores are). */
export const RELAY_OPTION = 'relay';

/** A label, its control, an optional hint and the message when the field is refused. */
function Field(props: { id: string; label: string; error?: string; hint?: string; children(a11y: object): ReactNode }) {
  const described = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`].filter(Boolean).join(' ');
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        'aria-invalid': props.error ? true : undefined,
        'aria-describedby': described || undefined,
      })}
      {props.hint && (
        <p className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p className="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </>
  );
}

/** One store's fields: name, provider, key, the provider's own fields, helpdesk accounts, default. */
export function StoreForm(props: {
  draft: Draft;
  errors: FieldErrors;
  isDefault: boolean;
  /** The only store is the default without asking: said in a sentence, not a greyed checkbox. */
  onlyStore: boolean;
  managedDefault: boolean;
  busy: boolean;
  onChange(patch: Partial<Draft>): void;
  /** Leaving a provider field: the page normalises what was typed (a pasted URL becomes its host). */
  onLeave(key: string): void;
  onMakeDefault(): void;
  onRemove(): void;
  /** **Team relay** was picked as the provider: the page shows the relay's sign-in instead. */
  onPickRelay(): void;
}) {
  const { draft, errors } = props;
  const readOnly = draft.keySource !== 'browser';
  const showSavedKey = draft.apiKeyMask !== '' && draft.provider === draft.savedProvider;
  const setValue = (key: string, value: string) => props.onChange({ values: { ...draft.values, [key]: value } });

  return (
    <fieldset aria-label={t('options.storeFieldset', [draft.name.trim() || t('options.unnamedStore')])}>
      <legend>{readOnly ? t('options.managedStore') : t('options.store')}</legend>
      {readOnly && <p className="hint">{t('options.managedHint')}</p>}

      <Field id="store-name" label={t('options.storeName')} error={errors.name}>
        {(a11y) => (
          <input
            {...a11y}
            value={draft.name}
            disabled={readOnly}
            onChange={(e) => props.onChange({ name: e.target.value })}
          />
        )}
      </Field>

      <label htmlFor="provider">{t('options.provider')}</label>
      <select
        id="provider"
        value={draft.provider}
        disabled={readOnly}
        onChange={(e) =>
          e.target.value === RELAY_OPTION
            ? props.onPickRelay()
            : props.onChange({ provider: e.target.value as ProviderId })
        }
      >
        {providerList.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
        {!readOnly && <option value={RELAY_OPTION}>{t('relay.name')}</option>}
      </select>

      {readOnly ? (
        <>
          <span className="label">{t('options.apiKey')}</span>
          <p className="hint">{t('options.managedByAdmin')}</p>
        </>
      ) : (
        <Field id="api-key" label={t('options.apiKey')} error={errors.apiKey}>
          {(a11y) => (
            <input
              {...a11y}
              type="password"
              autoComplete="off"
              value={draft.apiKey}
              placeholder={showSavedKey ? t('options.savedKey', [draft.apiKeyMask]) : t('options.pasteKey')}
              onChange={(e) => props.onChange({ apiKey: e.target.value })}
            />
          )}
        </Field>
      )}

      {visibleFields(draft).map((field) => (
        <Field
          key={field.key}
          id={inputId(field.key)}
          label={words(field.label)}
          hint={field.hint && words(field.hint)}
          error={errors[field.key]}
        >
          {(a11y) =>
            field.options ? (
              <select
                {...a11y}
                value={draft.values[field.key] ?? ''}
                disabled={readOnly}
                onChange={(e) => setValue(field.key, e.target.value)}
              >
                {field.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {words(o.label)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...a11y}
                value={draft.values[field.key] ?? ''}
                disabled={readOnly}
                placeholder={field.placeholder && words(field.placeholder)}
                onChange={(e) => setValue(field.key, e.target.value)}
                onBlur={() => props.onLeave(field.key)}
              />
            )
          }
        </Field>
      ))}

      <Field
        id="helpdesk-hosts"
        label={t('options.helpdeskHosts')}
        hint={t('options.helpdeskHostsHint')}
        error={errors.helpdeskHosts}
      >
        {(a11y) => (
          <input
            {...a11y}
            value={draft.hostsText}
            disabled={readOnly}
            placeholder={t('options.helpdeskHostsPlaceholder')}
            onChange={(e) => props.onChange({ hostsText: e.target.value })}
          />
        )}
      </Field>

      {props.onlyStore && !props.managedDefault ? (
        <p className="hint">{t('options.onlyStoreDefault')}</p>
      ) : (
        <label className="check">
          <input
            type="checkbox"
            checked={props.isDefault}
            disabled={props.isDefault || props.managedDefault}
            onChange={(e) => e.target.checked && props.onMakeDefault()}
          />
          {t('options.defaultStore')}
        </label>
      )}
      {props.managedDefault && <p className="hint">{t('options.adminChoseDefault')}</p>}

      {!readOnly && (
        <button type="button" className="secondary" disabled={props.busy} onClick={props.onRemove}>
          {t('options.removeStore')}
        </button>
      )}
    </fieldset>
  );
}
