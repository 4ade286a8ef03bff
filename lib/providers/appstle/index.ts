/**
 * Appstle Subscriptions, with X-API-Key (Appstle's public API reference):
 * - link type `appstle` (default): GET /api/external/v2/manage-subscription-link → the complete link
 *   on the shop's own domain and portal path, and its expiry;
 * - link type `token`: GET /api/external/v2/customer-portal-token → a token for the store's template;
 * - GET /api/external/v2/subscription-contracts-email-magic-link: Appstle emails the customer their
 *   link. It sends mail, so it is asked once and never retried.
 */

import { type CustomerQuery, parseShopifyId, pickShopifyId } from '../../shared/customer';
import { PortalLinkError } from '../../shared/error-codes';
import { decodeJwtPayload, toEpochMs } from '../../shared/jwt';
import { z } from '../../shared/zod';
import { errorForStatus, type HttpDeps, jsonBody, problemMessages, request } from '../http';
import type { PortalLink, Provider } from '../types';
import { type AppstleStore, appstleFields, appstleLinkType, appstleStoreSchema } from './settings';

const API = 'https://subscription-admin.appstle.com/api/external/v2';
export const APPSTLE_ENDPOINT = `${API}/customer-portal-token`;
export const APPSTLE_LINK_ENDPOINT = `${API}/manage-subscription-link`;
export const APPSTLE_EMAIL_ENDPOINT = `${API}/subscription-contracts-email-magic-link`;
const LIFETIME_MS = 2 * 60 * 60 * 1000;
const SHORT_NAME = 'Appstle';

const tokenReply = z.object({
  customerId: z.union([z.number(), z.string()]).optional(),
  token: z.string().min(1).max(8192),
});

const linkReply = z.object({
  manageSubscriptionLink: z.string().min(1).max(8192),
  tokenExpirationTime: z.union([z.string(), z.number()]).optional(),
});

/**
 * Appstle's own link is copied verbatim once it is a plain https address: its host is the shop's
 * public domain, which only Appstle knows, so there is no host to compare it with.
 */
export function checkAppstleLink(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PortalLinkError('unsafe-link', { provider: SHORT_NAME });
  }
  if (url.protocol !== 'https:' || url.username || url.password || !url.hostname.includes('.')) {
    throw new PortalLinkError('unsafe-link', { provider: SHORT_NAME });
  }
  return value;
}

/** `tokenExpirationTime` (ISO 8601) when it is a plausible future within the token's 2 h; else issue time + 2 h. */
export function linkExpiry(value: string | number | undefined, now: number): number {
  const at = typeof value === 'number' ? toEpochMs(value) : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(at) && at > now && at <= now + LIFETIME_MS + 15 * 60 * 1000 ? at : now + LIFETIME_MS;
}

/** Fills the template; the token is URL-encoded and the result must stay https on the shop's host. */
export function buildPortalUrl(template: string, storeDomain: string, token: string): string {
  const filled = template.replaceAll('{storeDomain}', storeDomain).replaceAll('{token}', encodeURIComponent(token));
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    throw new PortalLinkError('unsafe-link', { provider: SHORT_NAME });
  }
  const expectedHost = template.includes('{storeDomain}') ? storeDomain.toLowerCase() : url.hostname;
  if (url.protocol !== 'https:' || url.hostname !== expectedHost || url.username || url.password) {
    throw new PortalLinkError('unsafe-link', { provider: SHORT_NAME });
  }
  return url.href;
}

function shopFromToken(payload: Record<string, unknown> | undefined): string | undefined {
  const shop = payload?.shop;
  return typeof shop === 'string' && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(shop) ? shop.toLowerCase() : undefined;
}

/** The token's own timestamp + 2 h when plausible, else issue time + 2 h. */
function expiryOf(payload: Record<string, unknown> | undefined, now: number): number {
  const stamp = payload?.timestamp;
  const issued = typeof stamp === 'number' ? toEpochMs(stamp) : typeof stamp === 'string' ? Date.parse(stamp) : NaN;
  const plausible = Number.isFinite(issued) && Math.abs(issued - now) < 15 * 60 * 1000;
  return (plausible ? issued : now) + LIFETIME_MS;
}

export const appstle: Provider<AppstleStore> = {
  id: 'appstle',
  label: 'Appstle Subscriptions',
  shortName: SHORT_NAME,
  schema: appstleStoreSchema,
  fields: appstleFields,
  inEffect: (store) => ({ ...store, linkType: appstleLinkType(store) }),
  hosts: [`${new URL(API).origin}/*`],
  // Appstle's complete link is on the shop's public domain, which only Appstle knows: any https host
  // then; the store's own domain when it names one. Source: Appstle's API reference for
  // manage-subscription-link, "Custom Domains: Supports shop's public domain" (example links on
  // mystore.com and shop.myshopify.com):
  // https://developers.appstle.com/api-reference/customers/generate-customer-portal-access-link-by-customer-id-or-email
  linkHosts: (store) => (store.storeDomain ? [store.storeDomain] : []),
  publicHost: true,
  parseId: parseShopifyId,
  // Shopify ids are Appstle's; the one for this store's shop, if any, comes before the email.
  pickId: (customer, store) => pickShopifyId(customer.shopify, store.storeDomain),
  probeQuery: { kind: 'id', id: '1' },

  async issueLink(store, query, http) {
    if (store.apiKey === '') throw new PortalLinkError('key-missing', { provider: SHORT_NAME });
    return appstleLinkType(store) === 'token' ? tokenLink(store, query, http) : completeLink(store, query, http);
  },

  async emailLink(store, email, http) {
    if (store.apiKey === '') throw new PortalLinkError('key-missing', { provider: SHORT_NAME });
    const url = new URL(APPSTLE_EMAIL_ENDPOINT);
    url.searchParams.set('email', email);
    const response = await request({ ...get(url, store), idempotent: false, once: true }, http);
    if (response.status >= 200 && response.status <= 299) return;
    if (response.status === 400) throw magicLinkRefusal(response.text, email);
    throw errorForStatus(response, SHORT_NAME);
  },
};

function get(url: URL, store: AppstleStore) {
  return {
    url: url.href,
    method: 'GET' as const,
    headers: { 'X-API-Key': store.apiKey, Accept: 'application/json' },
    idempotent: true,
    provider: SHORT_NAME,
  };
}

/**
 * One of Appstle's per-customer GETs: by `customerId`, or by the email under the endpoint's own
 * parameter name (`email`, or `emailId` on manage-subscription-link; never both); the reply's body
 * checked against `reply`.
 */
async function lookup<T>(
  endpoint: string,
  emailParam: 'email' | 'emailId',
  reply: z.ZodType<T>,
  store: AppstleStore,
  query: CustomerQuery,
  http: HttpDeps,
): Promise<T> {
  const url = new URL(endpoint);
  if (query.kind === 'id') url.searchParams.set('customerId', query.id);
  else url.searchParams.set(emailParam, query.email);
  const response = await request(get(url, store), http);
  if (response.status < 200 || response.status > 299) throw errorForStatus(response, SHORT_NAME);
  const parsed = reply.safeParse(jsonBody(response, SHORT_NAME));
  if (!parsed.success) throw new PortalLinkError('bad-response', { provider: SHORT_NAME });
  return parsed.data;
}

async function tokenLink(store: AppstleStore, query: CustomerQuery, http: HttpDeps): Promise<PortalLink> {
  const { token } = await lookup(APPSTLE_ENDPOINT, 'email', tokenReply, store, query, http);
  const payload = decodeJwtPayload(token);
  const storeDomain = store.storeDomain || shopFromToken(payload);
  if (!storeDomain && store.portalUrlTemplate.includes('{storeDomain}')) {
    throw new PortalLinkError('bad-response', { provider: SHORT_NAME });
  }
  return {
    url: buildPortalUrl(store.portalUrlTemplate, storeDomain ?? '', token),
    expiresAt: expiryOf(payload, http.now()),
  };
}

async function completeLink(store: AppstleStore, query: CustomerQuery, http: HttpDeps): Promise<PortalLink> {
  const reply = await lookup(APPSTLE_LINK_ENDPOINT, 'emailId', linkReply, store, query, http);
  return {
    url: checkAppstleLink(reply.manageSubscriptionLink),
    expiresAt: linkExpiry(reply.tokenExpirationTime, http.now()),
  };
}

/**
 * Appstle answers 400 when the email has no subscription, or when the shop's magic-link email
 * template is off. Its reference does not publish the wording, so the body is read for either
 * cause; when it names neither, the message names both.
 */
export function magicLinkRefusal(body: string, email: string): PortalLinkError {
  const detail = problemMessages(body).join(' · ') || body.slice(0, 400);
  const context = { provider: SHORT_NAME, customer: email };
  if (/template|disabled|not\s+enabled|turned\s+off|inactive/i.test(detail)) {
    return new PortalLinkError('magic-link-off', context);
  }
  if (/subscription|not\s*found|no\s+customer|does\s*n[o']t\s+exist/i.test(detail)) {
    return new PortalLinkError('no-subscriptions', context);
  }
  return new PortalLinkError('magic-link-refused', context);
}
