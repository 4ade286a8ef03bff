/**
 * Stores in D1: the common fields in columns, the provider's own fields as JSON read through that
 * provider's schema (lib/providers), and the key sealed (crypto.ts), only opened to call.
 */
import { isProviderId, providerFor, type Store } from '../../lib/providers/registry';
import { BASE_KEYS } from '../../lib/providers/store-fields';
import { openKey, sealKey } from './crypto';
import type { Env } from './env';

export interface StoreRow {
  id: string;
  name: string;
  provider: string;
  helpdesk_hosts: string;
  settings: string;
  key_iv: string;
  key_ciphertext: string;
  /** The remembered portal host (portal-host.ts); null until one is learned. */
  portal_host?: string | null;
}

/** A store without its key (per provider: Omit on the union would drop provider-specific fields). */
export type StoreInfo = Store extends infer S ? (S extends Store ? Omit<S, 'apiKey'> : never) : never;

/** A row as its provider's store; undefined when the provider is unknown or the row no longer fits it. */
function parseRow(row: StoreRow, apiKey: string): Store | undefined {
  if (!isProviderId(row.provider)) return undefined;
  let settings: unknown;
  try {
    settings = JSON.parse(row.settings);
  } catch {
    return undefined;
  }
  const parsed = providerFor({ provider: row.provider }).schema.safeParse({
    ...(typeof settings === 'object' && settings !== null ? settings : {}),
    id: row.id,
    name: row.name,
    provider: row.provider,
    helpdeskHosts: JSON.parse(row.helpdesk_hosts),
    apiKey,
  });
  return parsed.success ? parsed.data : undefined;
}

function info(row: StoreRow): StoreInfo | undefined {
  const store = parseRow(row, '');
  if (!store) return undefined;
  const { apiKey: _key, ...rest } = store;
  return rest as StoreInfo;
}

/** The provider's own fields of a store, as kept in the `settings` column. */
function providerSettings(store: Store): Record<string, unknown> {
  return Object.fromEntries(Object.entries(store).filter(([key]) => !BASE_KEYS.includes(key) && key !== 'provider'));
}

/** What agents see of a store: enough to pick it and map helpdesks, never the key. */
export function publicStore(store: StoreInfo) {
  return { id: store.id, name: store.name, provider: store.provider, helpdeskHosts: store.helpdeskHosts };
}

export async function listStores(db: D1Database): Promise<StoreInfo[]> {
  const { results } = await db.prepare('SELECT * FROM stores ORDER BY name').all<StoreRow>();
  return results.map(info).filter((store) => store !== undefined);
}

/** A store's row, for a batch (openStore turns it into the store). */
export const storeQuery = (db: D1Database, id: string) => db.prepare('SELECT * FROM stores WHERE id = ?').bind(id);

/** The store with its key opened, for one provider call; undefined when there is no such store. */
export async function loadStore(env: Env, id: string): Promise<Store | undefined> {
  return openStore(env, await storeQuery(env.DB, id).first<StoreRow>());
}

/** A row from storeQuery as a store with its key opened; throws when the key does not open. */
export async function openStore(env: Env, row: StoreRow | null | undefined): Promise<Store | undefined> {
  if (!row) return undefined;
  const apiKey = await openKey([env.KEYS_SECRET, env.KEYS_SECRET_PREVIOUS], row.id, {
    iv: row.key_iv,
    ciphertext: row.key_ciphertext,
  });
  return parseRow(row, apiKey);
}

/** Re-seals every store's key under the current KEYS_SECRET (after a rotation); returns how many. */
export async function resealKeys(env: Env): Promise<number> {
  const { results } = await env.DB.prepare('SELECT id, key_iv, key_ciphertext FROM stores').all<StoreRow>();
  const updates = [];
  for (const row of results) {
    const apiKey = await openKey([env.KEYS_SECRET, env.KEYS_SECRET_PREVIOUS], row.id, {
      iv: row.key_iv,
      ciphertext: row.key_ciphertext,
    });
    const sealed = await sealKey(env.KEYS_SECRET, row.id, apiKey);
    updates.push(
      env.DB.prepare('UPDATE stores SET key_iv = ?, key_ciphertext = ? WHERE id = ?').bind(
        sealed.iv,
        sealed.ciphertext,
        row.id,
      ),
    );
  }
  if (updates.length > 0) await env.DB.batch(updates);
  return updates.length;
}

export async function saveStore(env: Env, store: Store): Promise<void> {
  const sealed = await sealKey(env.KEYS_SECRET, store.id, store.apiKey);
  await env.DB.prepare(
    `INSERT INTO stores (id, name, provider, helpdesk_hosts, settings, key_iv, key_ciphertext, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, provider = excluded.provider,
       helpdesk_hosts = excluded.helpdesk_hosts, settings = excluded.settings, key_iv = excluded.key_iv,
       key_ciphertext = excluded.key_ciphertext, updated_at = excluded.updated_at,
       -- Re-saving a store is the admin's word on it: the remembered portal host is learned afresh.
       portal_host = NULL`,
  )
    .bind(
      store.id,
      store.name,
      store.provider,
      JSON.stringify(store.helpdeskHosts),
      JSON.stringify(providerSettings(store)),
      sealed.iv,
      sealed.ciphertext,
      new Date().toISOString(),
    )
    .run();
}

/** Every store's remembered portal host (portal-host.ts), for the admin only. */
export async function portalHosts(db: D1Database): Promise<Map<string, string>> {
  const { results } = await db
    .prepare('SELECT id, portal_host FROM stores WHERE portal_host IS NOT NULL')
    .all<{ id: string; portal_host: string }>();
  return new Map(results.map((row) => [row.id, row.portal_host]));
}

/** Forgets a store's remembered portal host; false when there is no such store. */
export async function forgetPortalHost(db: D1Database, id: string): Promise<boolean> {
  const result = await db.prepare('UPDATE stores SET portal_host = NULL WHERE id = ?').bind(id).run();
  return result.meta.changes === 1;
}
