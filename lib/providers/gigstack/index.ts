/**
 * gigstack: POST /v2/clients/customerportal with a Bearer key; the reply carries the portal URL.
 * POST is not idempotent, so it is retried only on 429 with Retry-After (../http.ts).
 */

import { parseGigstackId } from '../../shared/customer';
import { PortalLinkError } from '../../shared/error-codes';
import { toEpochMs } from '../../shared/jwt';
import { z } from '../../shared/zod';
import { errorForStatus, jsonBody, request } from '../http';
import { checkedLink } from '../link-hosts';
import type { Provider } from '../types';
import { type GigstackStore, gigstackFields, gigstackStoreSchema } from './settings';

export const GIGSTACK_ENDPOINT = 'https://api.gigstack.io/v2/clients/customerportal';
const LIFETIME_MS = 5 * 24 * 60 * 60 * 1000;
const SHORT_NAME = 'gigstack';

const portalReply = z.object({
  data: z.object({
    url: z.string().max(4096),
    expires_at: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
    session_id: z.string().optional(),
  }),
});

/** gigstack's portal lives on gigstack.io or gigstack.pro (or a subdomain); anything else is not copied. */
const PORTAL_HOSTS = ['gigstack.io', '*.gigstack.io', 'gigstack.pro', '*.gigstack.pro'];

export function isGigstackPortalUrl(value: string): boolean {
  return checkedLink(value, PORTAL_HOSTS) !== undefined;
}

export const gigstack: Provider<GigstackStore> = {
  id: 'gigstack',
  label: 'gigstack',
  shortName: SHORT_NAME,
  schema: gigstackStoreSchema,
  fields: gigstackFields,
  hosts: [`${new URL(GIGSTACK_ENDPOINT).origin}/*`],
  linkHosts: () => PORTAL_HOSTS,
  parseId: parseGigstackId,
  probeQuery: { kind: 'id', id: 'client_portal_link_connection_test' },

  async issueLink(store, query, http) {
    if (store.apiKey === '') throw new PortalLinkError('key-missing', { provider: SHORT_NAME });
    const url = new URL(GIGSTACK_ENDPOINT);
    if (store.team) url.searchParams.set('team', store.team);
    const response = await request(
      {
        url: url.href,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${store.apiKey}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify(query.kind === 'id' ? { id: query.id } : { email: query.email }),
        idempotent: false,
        provider: SHORT_NAME,
      },
      http,
    );
    if (response.status < 200 || response.status > 299) throw errorForStatus(response, SHORT_NAME);
    const reply = portalReply.safeParse(jsonBody(response, SHORT_NAME));
    if (!reply.success) throw new PortalLinkError('bad-response', { provider: SHORT_NAME });
    if (!isGigstackPortalUrl(reply.data.data.url)) throw new PortalLinkError('unsafe-link', { provider: SHORT_NAME });
    const expiresAt = reply.data.data.expires_at;
    return {
      url: new URL(reply.data.data.url).href,
      expiresAt: expiresAt !== undefined ? toEpochMs(expiresAt) : http.now() + LIFETIME_MS,
    };
  },
};
