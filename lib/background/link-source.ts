/**
 * Where a store's links come from, by where its key lives (`keySource`, lib/settings/schema.ts). This is
 * the one place that asks: a key in this browser or in the policy → the provider, called from here with
 * that key (link-service.ts); a key on the team relay → the relay (relay.ts), which calls the provider,
 * applies its limits and audits every request. Copy, insert, email, the menu and the shortcut all come
 * through here (copyPortalLink, issuePortalLink, sendPortalLinkEmail).
 */
import type { HttpDeps } from '../providers/http';
import type { EffectiveStore } from '../settings/schema';
import type { CustomerRef } from '../shared/customer';
import { PortalLinkError } from '../shared/error-codes';
import type { CopyResult, EmailResult } from '../shared/protocol';
import {
  customerLabel,
  emailAddress,
  emailPortalLink,
  getPortalLink,
  type IssuedLink,
  type LinkCache,
  resolveQuery,
} from './link-service';
import type { LinkContext, RelayClient } from './relay';

/** Typed text (popup, menu) or the customer a helpdesk detected. */
type Customer = string | CustomerRef;

export interface LinkSourceDeps {
  http: HttpDeps;
  cache: LinkCache;
  /** The team relay (relay.ts); absent in tests that do not use it. */
  relay?: RelayClient;
}

/** A store's link requests, wherever its key lives. */
export interface LinkSource {
  /** A link for the customer (from a relay, a lasting one unless the agent chose Direct link). */
  issue(customer: Customer, context?: LinkContext): Promise<IssuedLink & { lasting?: boolean }>;
  /** The provider emails the customer their link: one request, never retried, nothing copied. */
  email(customer: Customer, context?: LinkContext): Promise<{ to: string }>;
}

export function linkSource(store: EffectiveStore, deps: LinkSourceDeps): LinkSource {
  if (store.keySource !== 'relay') {
    return {
      issue: (customer) => getPortalLink(store, customer, deps),
      email: (customer) => emailPortalLink(store, customer, deps.http),
    };
  }
  const relay = (): RelayClient => {
    if (!deps.relay) throw new PortalLinkError('relay-signed-out');
    return deps.relay;
  };
  return {
    // Never cached here: each request is audited at the relay, and an agent removed there gets nothing more.
    async issue(customer, context) {
      const query = resolveQuery(store, customer);
      const asked = performance.now();
      const link = await relay().issueLink(store.id, query, context);
      // The relay's whole round trip counts as the provider's time.
      return {
        ...link,
        cached: false,
        providerMs: performance.now() - asked,
        customer: customerLabel(query, customer),
      };
    },
    email: (customer, context) => relay().emailLink(store.id, emailAddress(store, customer), context),
  };
}

/** Issue (or reuse) the link and put it on the clipboard; shared by messages, menu and shortcut. */
export async function copyPortalLink(
  deps: LinkSourceDeps & { copy(text: string): Promise<void> },
  store: EffectiveStore | undefined,
  customer: Customer,
  options: { context?: LinkContext; copyHere?: boolean } = {},
): Promise<CopyResult> {
  const link = await issuePortalLink(deps, store, customer, options.context);
  // The sender writes it itself when it can (lib/shared/copy-here.ts); otherwise we do.
  if (!options.copyHere) await deps.copy(link.url);
  return link;
}

/** Issue (or reuse) the link without copying it: the content script inserts it into the reply. */
export async function issuePortalLink(
  deps: LinkSourceDeps,
  store: EffectiveStore | undefined,
  customer: Customer,
  context?: LinkContext,
): Promise<CopyResult> {
  if (!store) throw new PortalLinkError('no-store');
  const link = await linkSource(store, deps).issue(customer, context);
  return {
    url: link.url,
    expiresAt: link.expiresAt,
    cached: link.cached,
    customer: link.customer,
    providerMs: Math.round(link.providerMs * 10) / 10,
    ...(link.lasting ? { lasting: true } : {}),
  };
}

/** The provider emails the customer their link: one request, never retried, nothing copied. */
export async function sendPortalLinkEmail(
  deps: LinkSourceDeps,
  store: EffectiveStore | undefined,
  customer: Customer,
  context?: LinkContext,
): Promise<EmailResult> {
  if (!store) throw new PortalLinkError('no-store');
  const { to } = await linkSource(store, deps).email(customer, context);
  return { to };
}
