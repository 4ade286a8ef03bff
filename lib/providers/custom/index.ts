/**
 * Custom (HTTP): a subscription app we do not ship, described by its administrator (settings.ts).
 * One request (GET with the customer as a query parameter, or POST with it as a JSON field), the key
 * in a header of their choice (`Authorization` sends `Bearer <key>`), errors mapped by status like
 * every provider (../http.ts), and the link (and its expiry) read from the reply by dot paths.
 * Its endpoint's host is not in the manifest: the options page asks for it when the store is saved.
 */
import { type CustomerQuery, normalizeEmail } from '../../shared/customer';
import { PortalLinkError } from '../../shared/error-codes';
import { toEpochMs } from '../../shared/jwt';
import { errorForStatus, jsonBody, request } from '../http';
import { checkedLink } from '../link-hosts';
import type { Provider } from '../types';
import { type CustomStore, customFields, customStoreSchema } from './settings';

const SHORT_NAME = 'Custom (HTTP)';
/** When the reply names no expiry: an hour, the short end of what portal links last. */
const LIFETIME_MS = 60 * 60 * 1000;

/** `data.portal.url` in a parsed JSON reply; undefined when any step is missing. */
export function atPath(body: unknown, path: string): unknown {
  let value = body;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** An expiry as the reply gives it: ISO time, or epoch seconds or milliseconds (a number or digits). */
export function expiryAt(value: unknown, now: number): number {
  const at =
    typeof value === 'number'
      ? toEpochMs(value)
      : typeof value === 'string' && /^\d+$/.test(value.trim())
        ? toEpochMs(Number(value))
        : typeof value === 'string'
          ? Date.parse(value)
          : Number.NaN;
  return Number.isFinite(at) && at > now ? at : now + LIFETIME_MS;
}

/** The customer as the endpoint takes it, or an error that says the store wants the other kind. */
function customerValue(store: CustomStore, query: CustomerQuery): string {
  if (store.sendCustomerAs === 'email' && query.kind === 'email') return normalizeEmail(query.email) ?? query.email;
  if (store.sendCustomerAs === 'id' && query.kind === 'id') return query.id;
  throw new PortalLinkError(store.sendCustomerAs === 'email' ? 'email-needed' : 'invalid-customer', {
    provider: SHORT_NAME,
  });
}

export const custom: Provider<CustomStore> = {
  id: 'custom',
  label: 'Custom (HTTP)',
  shortName: SHORT_NAME,
  schema: customStoreSchema,
  fields: customFields,
  hosts: [],
  permissionOrigins: (store) => [`${new URL(store.endpointUrl).origin}/*`],
  // The app's portal may live anywhere its administrator put it: any https host.
  linkHosts: () => [],
  // Numeric ids and prefixed ones (`cus_…`, `sub_…`), the forms subscription apps use.
  parseId: (input) => {
    const text = input.trim();
    return /^(\d{1,20}|[a-z]{2,12}_[A-Za-z0-9]{1,64})$/.test(text) ? text : undefined;
  },
  probeQuery: { kind: 'email', email: 'portal-link-connection-test@example.com' },
  probeFor: (store) =>
    store.sendCustomerAs === 'email'
      ? { kind: 'email', email: 'portal-link-connection-test@example.com' }
      : { kind: 'id', id: 'plc_connectiontest' },

  async issueLink(store, query, http) {
    if (store.apiKey === '') throw new PortalLinkError('key-missing', { provider: SHORT_NAME });
    const customer = customerValue(store, query);
    const url = new URL(store.endpointUrl);
    if (store.method === 'GET') url.searchParams.set(store.customerField, customer);
    const bearer = store.keyHeader.toLowerCase() === 'authorization';
    const response = await request(
      {
        url: url.href,
        method: store.method,
        headers: {
          [bearer ? 'Authorization' : store.keyHeader]: bearer ? `Bearer ${store.apiKey}` : store.apiKey,
          Accept: 'application/json, text/plain',
          ...(store.method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(store.method === 'POST' ? { body: JSON.stringify({ [store.customerField]: customer }) } : {}),
        idempotent: store.method === 'GET',
        provider: SHORT_NAME,
      },
      http,
    );
    if (response.status < 200 || response.status > 299) throw errorForStatus(response, SHORT_NAME);
    let link: unknown;
    let expiry: unknown;
    if (store.linkField === '') {
      // The whole reply is the link: as text, or as a JSON string.
      const text = response.text.trim();
      link = text.startsWith('"') ? jsonBody(response, SHORT_NAME) : text;
    } else {
      const body = jsonBody(response, SHORT_NAME);
      link = atPath(body, store.linkField);
      if (store.expiryField) expiry = atPath(body, store.expiryField);
    }
    if (typeof link !== 'string' || link === '') throw new PortalLinkError('bad-response', { provider: SHORT_NAME });
    const checked = checkedLink(link, []);
    if (!checked) throw new PortalLinkError('unsafe-link', { provider: SHORT_NAME });
    return { url: checked, expiresAt: expiryAt(expiry, http.now()) };
  },
};
