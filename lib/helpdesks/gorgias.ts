/**
 * Gorgias: `https://{sub}.gorgias.com/app/ticket/{id}` and `/app/views/{view}/{id}`.
 * Customer from `GET /api/tickets/{id}` (the agent's session): email, and the Shopify customer ids
 * in `customer.integrations[*]` with `__integration_type__ === "shopify"`. With several, the shops
 * come from `GET /api/integrations?type=shopify` so the background can pick the configured store's.
 */
import { normalizeEmail, parseShopifyId } from '../shared/customer';
import { emailIn, firstOutside, record, stringOf, textOf } from './page';
import { gorgiasSelectors as S } from './selectors';
import type { ApiOutcome, DetectedCustomer, GetJson, Helpdesk, ShopifyRef } from './types';

const TICKET_PATH = /^\/app\/(?:ticket|views\/[A-Za-z0-9_-]{1,40})\/(\d{1,15})(?:\/|$)/;
const SHOP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/i;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const MAX_SHOPIFY = 20;

export function gorgiasTicketId(url: URL): string | undefined {
  return TICKET_PATH.exec(url.pathname)?.[1];
}

export const GORGIAS_SHOPIFY_INTEGRATIONS_PATH = '/api/integrations?type=shopify';

export function gorgiasApiPath(ticketId: string): string {
  return `/api/tickets/${ticketId}`;
}

/** `customer.integrations` is an object keyed by integration id (an array is accepted too). */
function shopifyRefs(integrations: unknown): (ShopifyRef & { integrationId?: string })[] {
  const entries: [string | undefined, unknown][] = Array.isArray(integrations)
    ? integrations.map((value) => [undefined, value])
    : Object.entries(record(integrations) ?? {});
  const refs: (ShopifyRef & { integrationId?: string })[] = [];
  for (const [key, value] of entries) {
    const integration = record(value);
    if (integration?.__integration_type__ !== 'shopify') continue;
    const raw = stringOf(record(integration.customer)?.id, 64);
    const id = raw === undefined ? undefined : parseShopifyId(raw);
    const integrationId = key ?? stringOf(integration.integration_id ?? integration.id, 32);
    if (id && !refs.some((r) => r.id === id)) refs.push({ id, integrationId });
    if (refs.length >= MAX_SHOPIFY) break;
  }
  return refs;
}

/** The ticket's customer; undefined when the body is not a ticket. */
export function parseGorgiasTicket(body: unknown, ticketId: string): DetectedCustomer | undefined {
  const ticket = record(body);
  const customer = record(ticket?.customer) ?? record(ticket?.requester);
  if (!ticket || !customer) return undefined;
  const channels = Array.isArray(customer.channels) ? customer.channels.map(record) : [];
  const channelEmail = channels.find((c) => c?.type === 'email' && typeof c.address === 'string')?.address;
  const email = normalizeEmail(stringOf(customer.email) ?? '') ?? normalizeEmail(stringOf(channelEmail) ?? '');
  const fullName = [stringOf(customer.firstname, 100), stringOf(customer.lastname, 100)].filter(Boolean).join(' ');
  const shopify = shopifyRefs(customer.integrations);
  return {
    helpdesk: 'gorgias',
    ticketId,
    name: stringOf(customer.name, 200) ?? (fullName || undefined),
    email,
    ...(shopify.length > 0 ? { shopify: shopify.map(({ integrationId: _, ...ref }) => ref) } : {}),
    source: 'api',
  };
}

/** Integration id → shop domain, from the account's Shopify integrations (`meta.shop_name`). */
export function parseGorgiasShops(body: unknown): Map<string, string> {
  const list = record(body)?.data ?? body;
  const shops = new Map<string, string>();
  if (!Array.isArray(list)) return shops;
  for (const item of list.map(record)) {
    const id = stringOf(item?.id, 32);
    const meta = record(item?.meta);
    const name = stringOf(meta?.shop_name, 63);
    const domain = stringOf(meta?.shop_domain, 253);
    const shop =
      domain && HOST.test(domain) ? domain : name && SHOP_NAME.test(name) ? `${name}.myshopify.com` : undefined;
    if (id && shop) shops.set(id, shop.toLowerCase());
  }
  return shops;
}

export async function gorgiasFromApi(ticketId: string, getJson: GetJson): Promise<ApiOutcome> {
  let status = 0;
  try {
    const reply = await getJson(gorgiasApiPath(ticketId));
    status = reply.status;
    const customer = status === 200 ? parseGorgiasTicket(reply.body, ticketId) : undefined;
    if (!customer) return { kind: 'refused', status };
    const refs = shopifyRefs(record(record(reply.body)?.customer ?? record(reply.body)?.requester)?.integrations);
    if (refs.length > 1) {
      // Several shops: say which id is whose, so the background can match the store.
      const shops = await getJson(GORGIAS_SHOPIFY_INTEGRATIONS_PATH)
        .then((r) => (r.status === 200 ? parseGorgiasShops(r.body) : new Map<string, string>()))
        .catch(() => new Map<string, string>());
      customer.shopify = refs.map(({ id, integrationId }) => {
        const shop = integrationId === undefined ? undefined : shops.get(integrationId);
        return shop ? { id, shop } : { id };
      });
    }
    return { kind: 'found', customer };
  } catch {
    return { kind: 'refused', status };
  }
}

export function gorgiasTicketDetail(doc: Document, ticketId: string): Element | undefined {
  return doc.querySelector(S.ticketDetail(ticketId)) ?? undefined;
}

function customerCard(root: Element): Element | undefined {
  return firstOutside(root, S.customerCard, S.conversation);
}

export function gorgiasFromPage(root: Element, ticketId: string): DetectedCustomer | undefined {
  const card = customerCard(root);
  const email = emailIn(card?.querySelector(S.customerEmail));
  if (!email) return undefined;
  const name = textOf(card?.querySelector(S.customerName));
  return { helpdesk: 'gorgias', ticketId, name: name === email ? undefined : name, email, source: 'page' };
}

export const gorgias: Helpdesk = {
  id: 'gorgias',
  ticketIdFromUrl: gorgiasTicketId,
  fromApi: gorgiasFromApi,
  ticketRoot: gorgiasTicketDetail,
  fromPage: gorgiasFromPage,
  anchor: (root) => customerCard(root)?.querySelector(S.customerName) ?? undefined,
};
