/** Stores in D1: everything but the key is plain; the key is sealed (crypto.ts) and only opened to call. */
import { DEFAULT_PORTAL_TEMPLATE, type Store } from '../../lib/settings/schema';
import { openKey, sealKey } from './crypto';
import type { Env } from './env';

interface StoreRow {
  id: string;
  name: string;
  provider: string;
  helpdesk_hosts: string;
  store_domain: string | null;
  portal_url_template: string | null;
  team: string | null;
  key_iv: string;
  key_ciphertext: string;
}

/** A store without its key (per provider: Omit on the union would drop provider-specific fields). */
export type StoreInfo = Store extends infer S ? (S extends Store ? Omit<S, 'apiKey'> : never) : never;

function info(row: StoreRow): StoreInfo {
  const common = { id: row.id, name: row.name, helpdeskHosts: JSON.parse(row.helpdesk_hosts) as string[] };
  return row.provider === 'gigstack'
    ? { ...common, provider: 'gigstack', ...(row.team ? { team: row.team } : {}) }
    : {
        ...common,
        provider: 'appstle',
        storeDomain: row.store_domain ?? '',
        portalUrlTemplate: row.portal_url_template ?? DEFAULT_PORTAL_TEMPLATE,
      };
}

/** What agents see of a store: enough to pick it and map helpdesks, never the key. */
export function publicStore(store: StoreInfo) {
  return { id: store.id, name: store.name, provider: store.provider, helpdeskHosts: store.helpdeskHosts };
}

export async function listStores(db: D1Database): Promise<StoreInfo[]> {
  const { results } = await db.prepare('SELECT * FROM stores ORDER BY name').all<StoreRow>();
  return results.map(info);
}

/** The store with its key opened, for one provider call; undefined when there is no such store. */
export async function loadStore(env: Env, id: string): Promise<Store | undefined> {
  const row = await env.DB.prepare('SELECT * FROM stores WHERE id = ?').bind(id).first<StoreRow>();
  if (!row) return undefined;
  const apiKey = await openKey([env.KEYS_SECRET, env.KEYS_SECRET_PREVIOUS], row.id, {
    iv: row.key_iv,
    ciphertext: row.key_ciphertext,
  });
  return { ...info(row), apiKey } as Store;
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
    `INSERT INTO stores (id, name, provider, helpdesk_hosts, store_domain, portal_url_template, team, key_iv,
                         key_ciphertext, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, provider = excluded.provider,
       helpdesk_hosts = excluded.helpdesk_hosts, store_domain = excluded.store_domain,
       portal_url_template = excluded.portal_url_template, team = excluded.team, key_iv = excluded.key_iv,
       key_ciphertext = excluded.key_ciphertext, updated_at = excluded.updated_at`,
  )
    .bind(
      store.id,
      store.name,
      store.provider,
      JSON.stringify(store.helpdeskHosts),
      store.provider === 'appstle' ? (store.storeDomain ?? null) : null,
      store.provider === 'appstle' ? store.portalUrlTemplate : null,
      store.provider === 'gigstack' ? (store.team ?? null) : null,
      sealed.iv,
      sealed.ciphertext,
      new Date().toISOString(),
    )
    .run();
}
