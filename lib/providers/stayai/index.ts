/**
 * Stay AI (formerly Retextion), from its public API reference:
 * - `POST https://api.retextion.com/api/v2/subscriptions/generate-portal-link`, the key in the
 *   `X-RETEXTION-ACCESS-TOKEN` header, a JSON body with the customer's `email` or `phone`
 *   (https://docs.stay.ai/reference/authentication, https://docs.retextion.com: the header and the
 *   base URL; the endpoint and its body as listed in the OpenAPI file derived from docs.stay.ai,
 *   api-evangelist/stay-ai openapi/stay-ai-customer-portal-api-openapi.yml; "one of email/phone
 *   required": https://docs.digitalgenius.com/docs/stayai-generate-portal-link).
 * - The reply is documented only as "200: a customer portal link" (the derived Postman collection,
 *   api-evangelist/stay-ai collections/stay-ai-customer-portal-api.postman_collection.json, gives it
 *   as text/plain). So the body is read as the link itself, or as JSON carrying it (a string, or a
 *   `link`/`url`/`portalLink` field, at the top or under `data`); anything else is a bad reply.
 * - No lifetime is published: a link is treated as good for an hour, and the customer is told so.
 * - Stay AI has no endpoint that emails the link: no Email action.
 * POST is not idempotent, so it is retried only on 429 with Retry-After (../http.ts).
 */
import { normalizeEmail } from '../../shared/customer';
import { PortalLinkError } from '../../shared/error-codes';
import { z } from '../../shared/zod';
import { errorForStatus, type HttpResponse, request } from '../http';
import { checkedLink } from '../link-hosts';
import { storeBase } from '../store-fields';
import type { Provider } from '../types';

export const STAYAI_ENDPOINT = 'https://api.retextion.com/api/v2/subscriptions/generate-portal-link';
const LIFETIME_MS = 60 * 60 * 1000;
const SHORT_NAME = 'Stay AI';

export const stayaiStoreSchema = z.object({ ...storeBase, provider: z.literal('stayai') });
export type StayaiStore = z.infer<typeof stayaiStoreSchema>;

/** Stay AI finds a customer by email or phone: a phone is typed in international form (`+1 555 010 0199`). */
export function parsePhone(input: string): string | undefined {
  const text = input.trim();
  if (!/^\+[\d\s().-]{7,24}$/.test(text)) return undefined;
  const digits = text.slice(1).replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 ? `+${digits}` : undefined;
}

const linkField = z
  .object({ link: z.string() })
  .or(z.object({ url: z.string() }))
  .or(z.object({ portalLink: z.string() }));

/** The link in a 2xx reply: plain text, a JSON string, or a JSON object naming it (see the header). */
export function stayaiLink(response: HttpResponse): string | undefined {
  const text = response.text.trim();
  // Plain text that is a URL is the link (whether it may be delivered is checked after).
  if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text)) return text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body === 'string') return body;
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  for (const candidate of [record, record.data]) {
    const parsed = linkField.safeParse(candidate);
    if (parsed.success)
      return 'link' in parsed.data ? parsed.data.link : 'url' in parsed.data ? parsed.data.url : parsed.data.portalLink;
  }
  return undefined;
}

export const stayai: Provider<StayaiStore> = {
  id: 'stayai',
  label: 'Stay AI',
  shortName: SHORT_NAME,
  schema: stayaiStoreSchema,
  fields: [],
  hosts: [`${new URL(STAYAI_ENDPOINT).origin}/*`],
  // The portal is on the shop's own domain, which only Stay AI knows: any https host.
  linkHosts: () => [],
  parseId: parsePhone,
  probeQuery: { kind: 'id', id: '+10000000000' },

  async issueLink(store, query, http) {
    if (store.apiKey === '') throw new PortalLinkError('key-missing', { provider: SHORT_NAME });
    const email = query.kind === 'email' ? normalizeEmail(query.email) : undefined;
    const response = await request(
      {
        url: STAYAI_ENDPOINT,
        method: 'POST',
        headers: {
          'X-RETEXTION-ACCESS-TOKEN': store.apiKey,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/plain',
        },
        body: JSON.stringify(email ? { email } : { phone: query.kind === 'id' ? query.id : '' }),
        idempotent: false,
        provider: SHORT_NAME,
      },
      http,
    );
    if (response.status < 200 || response.status > 299) throw errorForStatus(response, SHORT_NAME);
    const found = stayaiLink(response);
    if (found === undefined) throw new PortalLinkError('bad-response', { provider: SHORT_NAME });
    const url = checkedLink(found, []);
    if (!url) throw new PortalLinkError('unsafe-link', { provider: SHORT_NAME });
    return { url, expiresAt: http.now() + LIFETIME_MS };
  },
};
