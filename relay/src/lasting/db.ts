/**
 * Lasting links in D1 (migrations/0003_lasting_links.sql): the id is 128 random bits that only the
 * customer's email holds; D1 keeps its SHA-256. The page's form token is an HMAC bound to that hash,
 * spent once.
 */
import { HASH_PREFIX_LENGTH } from '../audit';
import { base64url, randomToken, sha256Hex } from '../crypto';

export const DEFAULT_DAYS = 7;
/** A form token is good for this long after the page was served. */
export const FORM_TOKEN_TTL_S = 30 * 60;

/** 16 random bytes, base64url: 22 characters. */
export const newLinkId = () => randomToken(16);
export const isLinkId = (text: string) => /^[A-Za-z0-9_-]{22}$/.test(text);
export const linkHash = (id: string) => sha256Hex(id);

export interface LinkRow {
  idHash: string;
  storeId: string;
  customerKind: 'email' | 'id';
  customer: string;
  agent: string;
  createdAt: string;
  expiresAt: number;
  revokedAt: string | null;
  storeName: string | null;
  storeProvider: string | null;
  /** The store's provider-specific settings (JSON), for the hosts its links may point to. */
  storeSettings: string | null;
  /** The store's remembered portal host (portal-host.ts), for the page's form-action. */
  storePortalHost: string | null;
}

/** One query for every id, known or not: misses cost the same as hits (no timing oracle). */
export async function findLink(db: D1Database, idHash: string): Promise<LinkRow | null> {
  return db
    .prepare(
      `SELECT l.id_hash AS idHash, l.store_id AS storeId, l.customer_kind AS customerKind, l.customer,
              l.agent, l.created_at AS createdAt, l.expires_at AS expiresAt, l.revoked_at AS revokedAt,
              s.name AS storeName, s.provider AS storeProvider, s.settings AS storeSettings,
              s.portal_host AS storePortalHost
       FROM lasting_links l LEFT JOIN stores s ON s.id = l.store_id WHERE l.id_hash = ?`,
    )
    .bind(idHash)
    .first<LinkRow>();
}

/** Usable now: not revoked, not expired, and its store still exists. */
export function isLive(row: LinkRow | null, nowS: number): row is LinkRow & { storeName: string } {
  return row !== null && row.revokedAt === null && row.expiresAt > nowS && row.storeName !== null;
}

export async function linkDays(db: D1Database, storeId: string): Promise<number> {
  const row = await db
    .prepare('SELECT days FROM lasting_link_settings WHERE store_id = ?')
    .bind(storeId)
    .first<{ days: number }>();
  return row?.days ?? DEFAULT_DAYS;
}

export function insertLink(
  db: D1Database,
  link: Omit<LinkRow, 'revokedAt' | 'storeName' | 'storeProvider' | 'storeSettings' | 'storePortalHost'>,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO lasting_links (id_hash, store_id, customer_kind, customer, agent, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(link.idHash, link.storeId, link.customerKind, link.customer, link.agent, link.createdAt, link.expiresAt);
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

// The label keeps these MACs apart from anything else TOKEN_SECRET signs (access tokens are JWTs).
const formMessage = (idHash: string, nonce: string, issuedS: number) =>
  new TextEncoder().encode(`lasting-form\u0000${idHash}\u0000${nonce}\u0000${issuedS}`);

/** `<nonce>.<issued>.<mac>`: made for one link's page; a token for another link does not verify. */
export async function formToken(secret: string, idHash: string, nowS: number): Promise<string> {
  const nonce = randomToken(12);
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), formMessage(idHash, nonce, nowS));
  return `${nonce}.${nowS}.${base64url(new Uint8Array(mac))}`;
}

/** The token's nonce when it is genuine, for this link, and fresh; undefined otherwise. */
export async function checkFormToken(
  secret: string,
  idHash: string,
  token: string,
  nowS: number,
): Promise<string | undefined> {
  const match = /^([A-Za-z0-9_-]{16})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return undefined;
  const [, nonce = '', issued = '', mac = ''] = match;
  const issuedS = Number(issued);
  if (issuedS > nowS + 60 || nowS - issuedS > FORM_TOKEN_TTL_S) return undefined;
  const bytes = Uint8Array.from(atob(mac.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const ok = await crypto.subtle.verify('HMAC', await hmacKey(secret), bytes, formMessage(idHash, nonce, issuedS));
  return ok ? nonce : undefined;
}

/** Spends a form token's nonce (and forgets nonces past their lifetime); a second spend fails. */
export function spendToken(db: D1Database, nonce: string, nowS: number): D1PreparedStatement[] {
  return [
    db.prepare('DELETE FROM lasting_spent_tokens WHERE spent_at < ?').bind(nowS - FORM_TOKEN_TTL_S - 120),
    db.prepare('INSERT INTO lasting_spent_tokens (nonce, spent_at) VALUES (?, ?)').bind(nonce, nowS),
  ];
}

export interface LinkListing {
  id: string;
  store: string;
  customer: string;
  agent: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

export async function listLinks(db: D1Database, filter: { agent?: string; customer?: string }): Promise<LinkListing[]> {
  const { results } = await db
    .prepare(
      `SELECT substr(id_hash, 1, ${HASH_PREFIX_LENGTH}) AS id, store_id AS store, customer, agent,
              created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt
       FROM lasting_links WHERE (?1 IS NULL OR agent = ?1) AND (?2 IS NULL OR lower(customer) = lower(?2))
       ORDER BY created_at DESC LIMIT 1000`,
    )
    .bind(filter.agent ?? null, filter.customer ?? null)
    .all<Omit<LinkListing, 'expiresAt'> & { expiresAt: number }>();
  return results.map((r) => ({ ...r, expiresAt: new Date(r.expiresAt * 1000).toISOString() }));
}

export type RevokeTarget = { hashPrefix: string } | { customer: string } | { agent: string };

/** Revokes the matching live links; a hash prefix must name exactly one link. */
export async function revokeLinks(
  db: D1Database,
  target: RevokeTarget,
  now: Date,
): Promise<{ revoked: number } | { ambiguous: number }> {
  const at = now.toISOString();
  if ('hashPrefix' in target) {
    const { results } = await db
      .prepare("SELECT id_hash FROM lasting_links WHERE id_hash >= ?1 AND id_hash < ?1 || 'g' LIMIT 2")
      .bind(target.hashPrefix)
      .all<{ id_hash: string }>();
    if (results.length > 1) return { ambiguous: results.length };
    if (results.length === 0) return { revoked: 0 };
    const r = await db
      .prepare('UPDATE lasting_links SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL')
      .bind(at, results[0]?.id_hash)
      .run();
    return { revoked: r.meta.changes };
  }
  const [column, value] =
    'customer' in target ? ['lower(customer)', target.customer.toLowerCase()] : ['agent', target.agent];
  const r = await db
    .prepare(`UPDATE lasting_links SET revoked_at = ? WHERE ${column} = ? AND revoked_at IS NULL`)
    .bind(at, value)
    .run();
  return { revoked: r.meta.changes };
}
