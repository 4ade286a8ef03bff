import type { HttpDeps } from '../background/http';
import type { Store } from '../settings/schema';
import type { CustomerQuery } from '../shared/customer';

export interface PortalLink {
  url: string;
  /** Epoch ms when the provider stops honouring the link. */
  expiresAt: number;
}

/** One token API. Adding a provider is one module implementing this, plus its schema in settings. */
export interface Provider<S extends Store = Store> {
  id: S['provider'];
  /** As agents see it in the options page, e.g. "Appstle Subscriptions". */
  label: string;
  /** As errors say it, e.g. "Appstle". */
  shortName: string;
  /** Lifetime of a fresh link, used to decide how long a cached one stays good. */
  lifetimeMs: number;
  /** The provider's own id form (normalised), or undefined when the text is not one. */
  parseId(input: string): string | undefined;
  issueLink(store: S, query: CustomerQuery, http: HttpDeps): Promise<PortalLink>;
  /** Has the provider email the customer their link (one request, never retried); absent when it can't. */
  emailLink?(store: S, email: string, http: HttpDeps): Promise<void>;
  /** A lookup that cannot match anyone, to tell an accepted key from a rejected one. */
  probeQuery: CustomerQuery;
}
