/**
 * Gorgias: `https://{sub}.gorgias.com/app/ticket/{id}` and `/app/views/{view}/{id}`.
 * Customer from `GET /api/tickets/{id}` (the agent's session): email, and the Shopify customer ids
 * in `customer.integrations[*]` with `__integration_type__ === "shopify"`. With several, the shops
 * come from `GET /api/integrations?type=shopify&limit=100` (`meta.shop_name`) so the background can
 * pick the configured store's. When the API refuses: the infobar's email channel, outside the thread.
 */
import { normalizeEmail, parseShopifyId } from '../shared/customer';
import { emailIn, firstOutside, record, stringOf, textOf } from './page';
import { gorgiasSelectors as S } from './selectors';
import type { ApiOutcome, DetectedCustomer, GetJson, Helpdesk, ShopifyRef } from './types';

const TICKET_PATH = /^\/app\/(?:ticket|views\/[A-Za-z0-9_-]{1,40})\/(\d{1,15})(?:\/|$)/;
const SHOP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/i;
const CUSTOMER_PATH = /^\/app\/customer\/(\d{1,15})(?:[/?#]|$)/;
const MAX_SHOPIFY = 20;

export function gorgiasTicketId(url: URL): string | undefined {
  return TICKET_PATH.exec(url.pathname)?.[1];
}

export const GORGIAS_SHOPIFY_INTEGRATIONS_PATH = '/api/integrations?type=shopify&limit=100';

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
    const name = stringOf(record(item?.meta)?.shop_name, 63);
    if (id && name && SHOP_NAME.test(name)) shops.set(id, `${name.toLowerCase()}.myshopify.com`);
  }
  return shops;
}

/** How the page and the API name the same customer: the path of their profile. */
function customerMark(id: unknown): string | undefined {
  const value = stringOf(id, 15);
  return value && /^\d+$/.test(value) ? `/app/customer/${value}` : undefined;
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
    const mark = customerMark(record(record(reply.body)?.customer ?? record(reply.body)?.requester)?.id);
    return { kind: 'found', customer, mark };
  } catch {
    return { kind: 'refused', status };
  }
}

/** Gorgias mounts one ticket at a time: the page is the ticket's. */
export function gorgiasTicketPage(doc: Document): Element | undefined {
  return doc.body ?? undefined;
}

/** The customer's name link outside the thread (breadcrumbs, infobar header or profile). */
function customerLink(root: Element): Element | undefined {
  return firstOutside(root, S.customerLink.css, S.thread.css);
}

/** The customer's profile path as the page links it (it changes when the agent switches customer). */
export function gorgiasCustomerMark(root: Element): string | undefined {
  const href = customerLink(root)?.getAttribute('href') ?? '';
  return customerMark(CUSTOMER_PATH.exec(href)?.[1]);
}

export function gorgiasFromPage(root: Element, ticketId: string): DetectedCustomer | undefined {
  const email = emailIn(firstOutside(root, S.customerEmail.css, S.thread.css), S.customerEmail.css);
  if (!email) return undefined;
  const name = textOf(customerLink(root));
  return { helpdesk: 'gorgias', ticketId, name: name === email ? undefined : name, email, source: 'page' };
}

/** The reply editor of the page's one ticket (the runtime checks the page shows the ticket, not the previous one). */
export function gorgiasComposer(root: Element): HTMLElement | undefined {
  const found = root.querySelector(S.composer.css);
  return found instanceof HTMLElement ? found : undefined;
}

export const gorgias: Helpdesk = {
  id: 'gorgias',
  ticketIdFromUrl: gorgiasTicketId,
  fromApi: gorgiasFromApi,
  ticketRoot: gorgiasTicketPage,
  fromPage: gorgiasFromPage,
  scopedByTicket: false,
  anchor: customerLink,
  requesterMark: gorgiasCustomerMark,
  composer: gorgiasComposer,
  // No stable selector shows the reply's recipient (lib/helpdesks/selectors.ts): none is read.
  recipient: () => undefined,
};
