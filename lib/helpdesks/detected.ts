/**
 * What crosses between the content script and the extension about the ticket on screen: the
 * messages the popup and the shortcut send to the tab, and a hand-written check of what comes back
 * (content scripts can't afford zod; the popup shouldn't trust a tab blindly either).
 */
import { normalizeEmail, parseShopifyId } from '../shared/customer';
import type { DetectedCustomer, HelpdeskId, ShopifyRef } from './types';

/** The Performance-timeline entry where the content script records its last detection's cost (for benchmarks). */
export const DETECT_MEASURE = 'portal-link:detect';
/**
 * The last copy's entry: from the agent's click to "copied", with the provider's share in its detail
 * (`providerMs`), so a benchmark can tell the extension's own cost from the provider's.
 */
export const COPY_MEASURE = 'portal-link:copy';

/** Extension → content script of a tab. */
export const TAB_GET_CUSTOMER = 'portal-link:get-detected-customer';
export const TAB_COPY = 'portal-link:copy-detected-customer';
/** Insert the detected customer's link into the open ticket's reply (popup, shortcut). */
export const TAB_INSERT = 'portal-link:insert-into-reply';
export type TabMessage = { type: typeof TAB_GET_CUSTOMER } | { type: typeof TAB_COPY } | { type: typeof TAB_INSERT };

/**
 * The content script's reply to TAB_COPY / TAB_INSERT: it handled it (done, or showed why not) in
 * the page; `message` is what the page's toast said, for the popup to repeat.
 */
export interface TabCopyReply {
  handled: true;
  ok: boolean;
  message?: string;
}

export const HELPDESK_LABELS: Record<HelpdeskId, string> = { zendesk: 'Zendesk', gorgias: 'Gorgias' };

/** The customer ref the background's `copy-portal-link` takes: email and Shopify ids, never a helpdesk's own user id. */
export function toCustomerRef(customer: DetectedCustomer): { email?: string; name?: string; shopify?: ShopifyRef[] } {
  return {
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.name ? { name: customer.name } : {}),
    ...(customer.shopify?.length ? { shopify: customer.shopify } : {}),
  };
}

export function hasLookup(customer: DetectedCustomer | undefined): customer is DetectedCustomer {
  return !!customer && (!!customer.email || !!customer.shopify?.length);
}

function str(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

/** A DetectedCustomer from an untrusted value, or undefined. */
export function parseDetected(value: unknown): DetectedCustomer | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.helpdesk !== 'zendesk' && v.helpdesk !== 'gorgias') return undefined;
  if (v.source !== 'api' && v.source !== 'page') return undefined;
  const ticketId = str(v.ticketId, 15);
  if (!ticketId || !/^\d+$/.test(ticketId)) return undefined;
  const email = v.email === undefined ? undefined : normalizeEmail(str(v.email, 320) ?? '');
  if (v.email !== undefined && !email) return undefined;
  const shopify: ShopifyRef[] = [];
  if (v.shopify !== undefined) {
    if (!Array.isArray(v.shopify) || v.shopify.length > 20) return undefined;
    for (const item of v.shopify as unknown[]) {
      const ref = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const id = parseShopifyId(str(ref.id, 40) ?? '');
      if (!id) return undefined;
      const shop = str(ref.shop, 253);
      shopify.push(shop ? { id, shop } : { id });
    }
  }
  const name = str(v.name, 200);
  return {
    helpdesk: v.helpdesk,
    ticketId,
    source: v.source,
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(shopify.length ? { shopify } : {}),
  };
}
