/**
 * What every store has, whatever its provider: an id, the name agents see, the key, and the helpdesk
 * accounts that use it. A provider's folder adds its own fields to these (its `schema`).
 */
import { z } from '../shared/zod';
import type { ProviderField } from './types';

export const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'Use a host name such as acme.zendesk.com',
  );

export const storeBase = {
  id: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(80),
  apiKey: z.string().trim().max(512),
  helpdeskHosts: z.array(hostName).max(50).default([]),
};

/** The properties of a store that belong to no provider (the rest are the provider's fields). */
export const BASE_KEYS: readonly string[] = Object.keys(storeBase);

function hostOfUrl(text: string): string | undefined {
  try {
    return new URL(text).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** A host as typed or pasted: `https://Shop.example/path` and `shop.example/` both become `shop.example`. */
export function normaliseHost(text: string): string {
  const entry = text.trim();
  if (entry === '') return '';
  const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? hostOfUrl(entry) : entry.replace(/\/.*$/, '');
  return (host ?? entry).toLowerCase();
}

/** A helpdesk host listed by two different stores (the first store listing it, then the second). */
export interface HostClash {
  host: string;
  first: string;
  second: string;
}

export function hostClashes(stores: readonly { id: string; helpdeskHosts: readonly string[] }[]): HostClash[] {
  const owner = new Map<string, string>();
  const clashes: HostClash[] = [];
  for (const store of stores) {
    for (const host of store.helpdeskHosts) {
      const first = owner.get(host);
      if (first !== undefined && first !== store.id) clashes.push({ host, first, second: store.id });
      else owner.set(host, store.id);
    }
  }
  return clashes;
}

/** A text input of the store form: its message keys (label, and hint, placeholder, refusal in `rest`). */
export function textField(
  key: string,
  label: string,
  rest: Omit<ProviderField, 'key' | 'label' | 'options'>,
): ProviderField {
  return { key, label, ...rest };
}

/**
 * A `<select>` of the store form: its choices as `{ value: label key }`, in order. The one way a
 * provider describes a choice (Appstle's Link type, Custom (HTTP)'s Method and Send customer as).
 */
export function selectField(
  key: string,
  label: string,
  choices: Readonly<Record<string, string>>,
  rest: Omit<ProviderField, 'key' | 'label' | 'options'> & { initial: string },
): ProviderField {
  return { key, label, options: Object.entries(choices).map(([value, choice]) => ({ value, label: choice })), ...rest };
}
