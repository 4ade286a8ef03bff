/**
 * What crosses between the content script and the extension about the ticket on screen (the tab
 * messages of lib/shared/protocol.ts), and a hand-written check of what comes back (content scripts
 * can't afford zod; the popup shouldn't trust a tab blindly either).
 */
import { normalizeEmail, parseShopifyId } from '../shared/customer';
import type { PopupGrant, TabActionReply, TabMessage } from '../shared/protocol';
import type { DetectedCustomer, HelpdeskId, ShopifyRef } from './types';

/** The Performance-timeline entry where the content script records its last detection's cost (for benchmarks). */
export const DETECT_MEASURE = 'portal-link:detect';
/**
 * The last copy's entry: from the agent's click to "copied", with the provider's share in its detail
 * (`providerMs`), so a benchmark can tell the extension's own cost from the provider's.
 */
export const COPY_MEASURE = 'portal-link:copy';

/** Our words for a toast: short text, nothing else (it is shown as text, never parsed). */
const MAX_FEEDBACK_CHARS = 500;

/** Whether a message is one of ours for a tab (checked by hand in the content script). */
export function isTabMessage(message: unknown): message is TabMessage {
  const m = (message ?? {}) as { type?: unknown; role?: unknown; text?: unknown };
  if (m.type === 'show-feedback') {
    return (
      (m.role === 'status' || m.role === 'alert') && typeof m.text === 'string' && m.text.length <= MAX_FEEDBACK_CHARS
    );
  }
  return m.type === 'get-detected-customer' || m.type === 'copy-detected-link' || m.type === 'insert-detected-link';
}

/** The popup's grant from an untrusted message (content scripts carry no zod). */
export function parsePopupGrant(value: unknown): PopupGrant | undefined {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const grant = str(v.grant, 64);
  const customer = typeof v.customer === 'string' && v.customer.length <= 1280 ? v.customer : undefined;
  const ticketId = str(v.ticketId, 15);
  return grant && customer !== undefined && ticketId && /^\d+$/.test(ticketId)
    ? { grant, customer, ticketId }
    : undefined;
}

/** The content script's reply to `copy-detected-link` / `insert-detected-link`, or undefined. */
export function parseActionReply(value: unknown): TabActionReply | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.handled !== true || typeof v.ok !== 'boolean') return undefined;
  return { handled: true, ok: v.ok, ...(typeof v.message === 'string' ? { message: v.message.slice(0, 500) } : {}) };
}

export const HELPDESK_LABELS: Record<HelpdeskId, string> = { zendesk: 'Zendesk', gorgias: 'Gorgias' };

/** The customer ref the background's `copy-link` takes: email and Shopify ids, never a helpdesk's own user id. */
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
