/**
 * The options page's stores as edited (drafts) and the way back to settings: pure functions, checked
 * with the very schema the background applies, so a bad field is reported next to it instead of
 * coming back from the background as a request it does not understand.
 */

import {
  type ProviderId,
  providerFor,
  providerHosts,
  providerIds,
  providerList,
  type Store,
  storeSchema,
} from '../providers/registry';
import { hostClashes } from '../providers/store-fields';
import type { ProviderField } from '../providers/types';
import { t } from '../shared/i18n';
import { type KeySource, parseHelpdeskHosts, type StoreView } from './schema';

/** A message key of a provider's description, in the agent's language. */
export const words = (key: string, args: readonly string[] = []): string =>
  (t as (key: string, substitutions: string[]) => string)(key, [...args]);

const fieldsOf = (provider: ProviderId): readonly ProviderField[] => providerFor({ provider }).fields;

/** The element id of a provider field, so its label and message point at it (`storeDomain` → `store-domain`). */
export const inputId = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A store as edited. `apiKey` is what was typed here ('' keeps the saved key). */
export interface Draft {
  id: string;
  name: string;
  provider: ProviderId;
  /** The provider the saved key belongs to: switching provider drops the saved key. */
  savedProvider?: ProviderId;
  apiKey: string;
  apiKeyMask: string;
  hostsText: string;
  /** Every provider's fields by key, so switching provider and back keeps what was typed. */
  values: Record<string, string>;
  /** Where its key lives: only the agent's own stores ('browser') are edited and saved here. */
  keySource: KeySource;
}

/** The fields that every store has, by the key their errors come back on. */
export type CommonField = 'name' | 'apiKey' | 'helpdeskHosts';
/** Messages by field key (a common field or a provider field's key). */
export type FieldErrors = Partial<Record<string, string>>;

function initialValues(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const provider of providerList) for (const f of provider.fields) values[f.key] ??= f.initial ?? '';
  return values;
}

export function fromView(view: StoreView): Draft {
  const values = initialValues();
  const saved = view as unknown as Record<string, unknown>;
  for (const field of fieldsOf(view.provider)) {
    const value = saved[field.key];
    if (typeof value === 'string') values[field.key] = value;
  }
  return {
    id: view.id,
    name: view.name,
    provider: view.provider,
    savedProvider: view.provider,
    apiKey: '',
    apiKeyMask: view.apiKeyMask,
    hostsText: view.helpdeskHosts.join(', '),
    values,
    keySource: view.keySource,
  };
}

export function newDraft(name: string, id: string = crypto.randomUUID()): Draft {
  return {
    id,
    name,
    provider: providerIds[0] as ProviderId,
    apiKey: '',
    apiKeyMask: '',
    hostsText: '',
    values: initialValues(),
    keySource: 'browser',
  };
}

/** The provider fields a draft shows, in order. */
export function visibleFields(draft: Draft): readonly ProviderField[] {
  return fieldsOf(draft.provider).filter((f) => !f.shownWhen || draft.values[f.shownWhen.key] === f.shownWhen.is);
}

/** The draft with a field's value normalised (a pasted URL reduced to its host), as shown after leaving it. */
export function normaliseField(draft: Draft, key: string): Draft {
  const field = fieldsOf(draft.provider).find((f) => f.key === key);
  const value = draft.values[key];
  if (!field?.normalise || value === undefined) return draft;
  const normalised = field.normalise(value);
  return normalised === value ? draft : { ...draft, values: { ...draft.values, [key]: normalised } };
}

/** The store a draft stands for, before validation (empty optional fields left out). */
export function toStoreInput(draft: Draft, helpdeskHosts: string[]): Record<string, unknown> {
  const store: Record<string, unknown> = {
    id: draft.id,
    name: draft.name,
    provider: draft.provider,
    apiKey: draft.apiKey,
    helpdeskHosts,
  };
  for (const field of fieldsOf(draft.provider)) {
    const raw = (draft.values[field.key] ?? '').trim();
    const value = field.normalise ? field.normalise(raw) : raw;
    if (value !== '') store[field.key] = value;
  }
  return store;
}

function commonMessage(key: CommonField, code: string): string {
  if (key === 'name') return code === 'too_small' ? t('options.needName') : t('options.nameTooLong');
  if (key === 'apiKey') return t('options.keyTooLong');
  return t('options.hostsInvalid');
}

export type DraftCheck = { ok: true; store: Store } | { ok: false; errors: FieldErrors };

/**
 * The entry as the agent typed it, between commas, for a message that quotes it: "not a host!!",
 * not the "not" the parser stopped at.
 */
export function typedEntry(text: string, invalid: string): string {
  const entries = text.split(/[,;]/).map((entry) => entry.trim());
  return entries.find((entry) => entry.split(/\s+/).includes(invalid)) ?? invalid;
}

/** One draft through the store schema: the store to send, or a message per field. */
export function checkDraft(draft: Draft): DraftCheck {
  const errors: FieldErrors = {};
  const hosts = parseHelpdeskHosts(draft.hostsText);
  if (!hosts.ok)
    errors.helpdeskHosts = t('options.notHost', [typedEntry(draft.hostsText, hosts.invalid), draft.name.trim()]);
  const parsed = storeSchema.safeParse(toStoreInput(draft, hosts.ok ? hosts.hosts : []));
  if (parsed.success && hosts.ok) return { ok: true, store: parsed.data };
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const key = String(issue.path[0] ?? 'name');
    if (errors[key] !== undefined) continue;
    const field = fieldsOf(draft.provider).find((f) => f.key === key);
    errors[key] = field ? words(field.invalid, field.invalidArgs) : commonMessage(key as CommonField, issue.code);
  }
  return { ok: false, errors };
}

/** The label of a field, for a message that names it away from the field. */
export function fieldLabel(provider: ProviderId, key: string): string {
  const field = fieldsOf(provider).find((f) => f.key === key);
  if (field) return words(field.label);
  if (key === 'apiKey') return t('options.apiKey');
  if (key === 'helpdeskHosts') return t('options.helpdeskHosts');
  return t('options.storeName');
}

export type DraftsCheck =
  | { ok: true; stores: Store[] }
  | {
      ok: false;
      errors: Record<string, FieldErrors>;
      first: { draftId: string; message: string };
      /** What the page announces: the one problem, or every field to fix when there are several. */
      summary: string;
    };

/** Field keys in the order the form shows them. */
function formOrder(provider: ProviderId, keys: string[]): string[] {
  const order = ['name', 'apiKey', ...fieldsOf(provider).map((f) => f.key), 'helpdeskHosts'];
  return [...keys].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** "2 fields need fixing: Store domain of “Acme”, API key of “Beta”." */
function summarise(drafts: readonly Draft[], errors: Record<string, FieldErrors>, first: string): string {
  const fields = drafts.flatMap((draft) =>
    formOrder(draft.provider, Object.keys(errors[draft.id] ?? {})).map((key) =>
      t('options.fieldOf', [fieldLabel(draft.provider, key), draft.name.trim() || t('options.unnamedStore')]),
    ),
  );
  return fields.length > 1 ? t('options.fixFields', [String(fields.length), fields.join(', ')]) : first;
}

/**
 * Every draft checked before anything is sent: the agent's own through the schema (they are what is
 * saved), then no helpdesk host in two stores, the policy's and the relay's included. On failure: the
 * messages per draft and field, and the one to announce (the first).
 */
export function checkDrafts(drafts: readonly Draft[]): DraftsCheck {
  const errors: Record<string, FieldErrors> = {};
  const stores: Store[] = [];
  const readOnly = drafts
    .filter((d) => d.keySource !== 'browser')
    .map((d) => ({ id: d.id, name: d.name, helpdeskHosts: d.hostsText.split(/[\s,]+/).filter(Boolean) }));
  let first: { draftId: string; message: string } | undefined;
  for (const draft of drafts.filter((d) => d.keySource === 'browser')) {
    const checked = checkDraft(draft);
    if (checked.ok) {
      stores.push(checked.store);
      continue;
    }
    errors[draft.id] = checked.errors;
    if (!first) {
      const [key, message] = Object.entries(checked.errors)[0] ?? ['name', t('options.needName')];
      first = {
        draftId: draft.id,
        message:
          key === 'helpdeskHosts' || key === 'name'
            ? (message ?? '')
            : t('options.fieldInvalid', [fieldLabel(draft.provider, key), draft.name.trim(), message ?? '']),
      };
    }
  }
  if (first) return { ok: false, errors, first, summary: summarise(drafts, errors, first.message) };
  const clash = hostClashes([...readOnly, ...stores])[0];
  if (clash) {
    const name = (id: string) => [...readOnly, ...stores].find((s) => s.id === id)?.name ?? id;
    const message = t('options.hostClash', [clash.host, name(clash.first), name(clash.second)]);
    return {
      ok: false,
      errors: { [clash.second]: { helpdeskHosts: message } },
      first: { draftId: clash.second, message },
      summary: message,
    };
  }
  return { ok: true, stores };
}

/**
 * The host permissions saving these stores needs: origins of stores that name their own host (Custom
 * (HTTP)), less those the manifest already grants. Asked for in the Save click, before anything awaits.
 */
export function originsToAsk(stores: readonly Store[]): string[] {
  const granted = new Set<string>(providerHosts);
  const wanted = stores.flatMap((store) => providerFor(store).permissionOrigins?.(store) ?? []);
  return [...new Set(wanted)].filter((origin) => !granted.has(origin));
}
