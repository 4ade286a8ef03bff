/**
 * What identifies a customer to a provider: an id (preferred) or an email.
 * Pure parsing of what an agent types, selects or a helpdesk reports.
 */
export interface CustomerRef {
  id?: string;
  email?: string;
  /** Shopify customer ids known for this person (a helpdesk may link several shops). */
  shopify?: { id: string; shop?: string }[];
}

export type CustomerQuery = { kind: 'id'; id: string } | { kind: 'email'; email: string };

const MAX_INPUT = 320;
// Deliberately plain: local@domain.tld, no spaces, no angle brackets. Providers do the real matching.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/u;
const SHOPIFY_GID = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/i;
const NUMERIC_ID = /^\d{1,20}$/;
const GIGSTACK_ID = /^(?:client|cus)_[A-Za-z0-9_-]{1,64}$/;

/** The first recipient of a `mailto:` URL, decoded, without its headers (`?subject=…`). */
export function mailtoAddress(value: string): string | undefined {
  if (!/^mailto:/i.test(value)) return undefined;
  const recipients = value.slice('mailto:'.length).split('?')[0] ?? '';
  try {
    return decodeURIComponent(recipients.split(',')[0] ?? '').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function normalizeEmail(input: string): string | undefined {
  const trimmed = input.trim();
  const email = /^mailto:/i.test(trimmed) ? (mailtoAddress(trimmed) ?? '') : trimmed;
  return email.length <= MAX_INPUT && EMAIL.test(email) ? email : undefined;
}

/** Shopify customer id from `12345` or `gid://shopify/Customer/12345`. */
export function parseShopifyId(input: string): string | undefined {
  const value = input.trim();
  if (NUMERIC_ID.test(value)) return value.replace(/^0+(?=\d)/, '');
  return SHOPIFY_GID.exec(value)?.[1];
}

export function parseGigstackId(input: string): string | undefined {
  const value = input.trim();
  return GIGSTACK_ID.test(value) ? value : undefined;
}

/** Reads typed or selected text as an email or a provider-shaped id; undefined when it is neither. */
export function parseCustomerInput(
  input: string,
  parseId: (value: string) => string | undefined,
): CustomerQuery | undefined {
  if (input.length > MAX_INPUT * 4) return undefined;
  const email = normalizeEmail(input);
  if (email) return { kind: 'email', email };
  const id = parseId(input);
  return id ? { kind: 'id', id } : undefined;
}

/** Id first (exact), email as the fallback. */
export function preferredQuery(
  ref: CustomerRef,
  parseId: (value: string) => string | undefined,
): CustomerQuery | undefined {
  const id = ref.id === undefined ? undefined : parseId(ref.id);
  if (id) return { kind: 'id', id };
  const email = ref.email === undefined ? undefined : normalizeEmail(ref.email);
  return email ? { kind: 'email', email } : undefined;
}

/**
 * The Shopify id for a store's shop: the one whose shop matches the store's domain; a lone id that
 * can't be told apart (shop or store domain unknown); otherwise none, and the email is used.
 */
export function pickShopifyId(
  refs: readonly { id: string; shop?: string }[] | undefined,
  storeDomain: string | undefined,
): string | undefined {
  if (!refs?.length) return undefined;
  const domain = storeDomain?.trim().toLowerCase();
  const matching = domain ? refs.find((r) => r.shop?.toLowerCase() === domain) : undefined;
  if (matching) return matching.id;
  const [only] = refs;
  return refs.length === 1 && only && (only.shop === undefined || !domain) ? only.id : undefined;
}

export function queryKey(query: CustomerQuery): string {
  return query.kind === 'id' ? `id:${query.id}` : `email:${query.email.toLowerCase()}`;
}
