/**
 * Which store serves a helpdesk account. No zod here: the popup uses it on the settings view it gets,
 * and must not load the schema code (the popup must be interactive within 150 ms).
 */
/** What store resolution needs of a store: saved stores and the views extension pages get both fit. */
export interface StoreLike {
  id: string;
  name?: string;
  helpdeskHosts: readonly string[];
}
export interface StoresLike<S extends StoreLike> {
  stores: readonly S[];
  defaultStoreId?: string;
}

/** The store for a helpdesk host: the one mapping it, else the default, else the first. */
export function resolveStore<S extends StoreLike>(settings: StoresLike<S>, host?: string): S | undefined {
  const wanted = host?.toLowerCase().replace(/\.$/, '');
  const mapped = wanted ? settings.stores.find((s) => s.helpdeskHosts.includes(wanted)) : undefined;
  return mapped ?? defaultStore(settings);
}

/** Whether some store lists this helpdesk host under its Helpdesk accounts. */
export function hostListed(stores: readonly StoreLike[], host: string | undefined): boolean {
  const wanted = host?.toLowerCase().replace(/\.$/, '');
  return !!wanted && stores.some((s) => s.helpdeskHosts.includes(wanted));
}

export function defaultStore<S extends StoreLike>(settings: StoresLike<S>): S | undefined {
  return settings.stores.find((s) => s.id === settings.defaultStoreId) ?? settings.stores[0];
}

/** The host of a page URL, for store resolution; undefined for anything that is not a URL with a host. */
export function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}
