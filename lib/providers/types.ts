import type { CustomerQuery, CustomerRef } from '../shared/customer';
import type { z } from '../shared/zod';
import type { HttpDeps } from './http';

export interface PortalLink {
  url: string;
  /** Epoch ms when the provider stops honouring the link. */
  expiresAt: number;
}

/**
 * One input of the store form, as the provider describes it. Words are message keys (locales/*.yml):
 * the core runs in the relay too, where there is no `browser.i18n`; the form looks them up.
 */
export interface ProviderField {
  /** The store property it edits (also the schema path its errors come back on). */
  key: string;
  label: string;
  placeholder?: string;
  /** A line under the field that says what it is for. */
  hint?: string;
  /** A `<select>` with these options; a text input when absent. */
  options?: readonly { value: string; label: string }[];
  /** What a new store starts with, and what a saved store without the property shows. */
  initial?: string;
  /** Shown only when another field of the draft has this value (e.g. a template only for one link type). */
  shownWhen?: { key: string; is: string };
  /** Turns what was typed or pasted into the stored form, on leaving the field and on save. */
  normalise?(value: string): string;
  /** The message key next to the field when the schema refuses it, and its substitutions. */
  invalid: string;
  invalidArgs?: readonly string[];
}

/**
 * A provider: what it is called, what a store of it holds (schema and form fields), what it can do,
 * and its requests. Adding a provider is one folder implementing this plus a line in registry.ts.
 */
export interface Provider<S extends { provider: string; apiKey: string } = { provider: string; apiKey: string }> {
  id: S['provider'];
  /** As agents see it in the options page, e.g. "Appstle Subscriptions". */
  label: string;
  /** As errors say it, e.g. "Appstle". */
  shortName: string;
  /** A store of this provider: the common fields (store-fields.ts) plus the provider's own. */
  schema: z.ZodType<S> & { readonly shape: Readonly<Record<string, z.ZodType>> };
  /** The store as it works, with settings it leaves out filled in (what the options page shows). */
  inEffect?(store: Omit<S, 'apiKey'>): Omit<S, 'apiKey'>;
  /** The provider's own inputs in the store form, in order (the common ones are the form's). */
  fields: readonly ProviderField[];
  /** Hosts the extension calls (manifest host permissions); none when the store names its own. */
  hosts: readonly string[];
  /** The store names its own host: the origins asked for (optional host permissions) when it is saved. */
  permissionOrigins?(store: Omit<S, 'apiKey'>): readonly string[];
  /** The provider's own id form (normalised), or undefined when the text is not one. */
  parseId(input: string): string | undefined;
  /**
   * Among what the helpdesk knows of the customer, the id this store's provider takes (Shopify ids for
   * a shop). The store's settings may be unknown here (a team relay's store): then only a lone id.
   */
  pickId?(customer: CustomerRef, store: Partial<S>): string | undefined;
  /** Hosts the store's links may point to (`*.example.com` for subdomains); none: any https host (link-hosts.ts). */
  linkHosts(store: Omit<S, 'apiKey'>): readonly string[];
  /**
   * Its links may be on the shop's public domain, which only the provider knows (not on `linkHosts`):
   * a team relay then trusts the first such host it sees for the store and refuses any other after
   * it (relay/src/portal-host.ts). Absent: `linkHosts` is the whole rule.
   */
  publicHost?: boolean;
  issueLink(store: S, query: CustomerQuery, http: HttpDeps): Promise<PortalLink>;
  /** Has the provider email the customer their link (one request, never retried); absent when it can't. */
  emailLink?(store: S, email: string, http: HttpDeps): Promise<void>;
  /** A lookup that cannot match anyone, to tell an accepted key from a rejected one. */
  probeQuery: CustomerQuery;
  /** The same, when it depends on the store's settings (what kind of customer it sends). */
  probeFor?(store: S): CustomerQuery;
}
