/**
 * Appstle Subscriptions: GET /api/external/v2/customer-portal-token with X-API-Key.
 * The reply is a token; the link is the store's portal URL template filled with it.
 */

import { errorForStatus, jsonBody, request } from '../background/http';
import { providerLabels } from '../settings/provider-labels';
import type { AppstleStore } from '../settings/schema';
import { parseShopifyId } from '../shared/customer';
import { PortalLinkError } from '../shared/error-codes';
import { decodeJwtPayload, toEpochMs } from '../shared/jwt';
import { z } from '../shared/zod';
import type { Provider } from './types';

export const APPSTLE_ENDPOINT = 'https://subscription-admin.appstle.com/api/external/v2/customer-portal-token';
const LIFETIME_MS = 2 * 60 * 60 * 1000;
const { label, shortName: SHORT_NAME } = providerLabels.appstle;

const tokenReply = z.object({
  customerId: z.union([z.number(), z.string()]).optional(),
  token: z.string().min(1).max(8192),
});

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
  label,
  shortName: SHORT_NAME,
  lifetimeMs: LIFETIME_MS,
  parseId: parseShopifyId,
  probeQuery: { kind: 'id', id: '1' },

  async issueLink(store, query, http) {
    if (store.apiKey === '') throw new PortalLinkError('key-missing', { provider: SHORT_NAME });
    const url = new URL(APPSTLE_ENDPOINT);
    if (query.kind === 'id') url.searchParams.set('customerId', query.id);
    else url.searchParams.set('email', query.email);

    const response = await request(
      {
        url: url.href,
        method: 'GET',
        headers: { 'X-API-Key': store.apiKey, Accept: 'application/json' },
        idempotent: true,
        provider: SHORT_NAME,
      },
      http,
    );
    if (response.status < 200 || response.status > 299) throw errorForStatus(response, SHORT_NAME);
    const reply = tokenReply.safeParse(jsonBody(response, SHORT_NAME));
    if (!reply.success) throw new PortalLinkError('bad-response', { provider: SHORT_NAME });

    const payload = decodeJwtPayload(reply.data.token);
    const storeDomain = store.storeDomain || shopFromToken(payload);
    if (!storeDomain && store.portalUrlTemplate.includes('{storeDomain}')) {
      throw new PortalLinkError('bad-response', { provider: SHORT_NAME });
    }
    return {
      url: buildPortalUrl(store.portalUrlTemplate, storeDomain ?? '', reply.data.token),
      expiresAt: expiryOf(payload, http.now()),
    };
  },
};
