/**
 * Trust on first use of a store's portal host (docs/team-relay.md). A provider that declares
 * `publicHost` (Appstle) answers with a link on the shop's public domain, which only it knows and which
 * may differ from the store's own hosts (its myshopify Store domain). The relay remembers the first
 * such host it sees for the store (stores.portal_host, learned only from the provider's answer to the
 * relay's own request, never from a request to the relay) and from then on accepts links only on the
 * store's own hosts and that one: a different host is refused (`portal-host-changed`) until the admin
 * clears it. Other providers keep their fixed rule (`linkHosts`).
 *
 * Why a host off the store's list: Appstle's API reference for GET
 * /api/external/v2/manage-subscription-link lists "Custom Domains: Supports shop's public domain" and
 * gives `https://mystore.com/tools/recurring/customer_portal?token=…` next to
 * `https://shop.myshopify.com/…` as example links
 * (https://developers.appstle.com/api-reference/customers/generate-customer-portal-access-link-by-customer-id-or-email).
 * Appstle's classic portal is "A standalone page at your app-proxy URL"
 * (https://intercom.help/appstle/en/articles/15410881-set-up-your-customer-portal), and Shopify
 * serves app proxies on the storefront's own domain ("`https://<shop_url>/apps/my-custom-path` will
 * proxy to …": https://shopify.dev/docs/apps/build/online-store/app-proxies).
 */
import { checkedLink, cspSources } from '../../lib/providers/link-hosts';
import { providerFor, type Store } from '../../lib/providers/registry';
import { AuditError } from './audit';

export type HostVerdict =
  | { ok: true; url: string; learn?: string }
  | { ok: false; outcome: 'provider:unsafe-link' | 'portal-host-changed' };

/** Where `link` may be sent for this store, given the host remembered for it (null: none yet). */
export function portalHostVerdict(store: Omit<Store, 'apiKey'>, remembered: string | null, link: string): HostVerdict {
  const provider = providerFor(store);
  const own = provider.linkHosts(store);
  const onOwn = checkedLink(link, own);
  if (!provider.publicHost) return onOwn ? { ok: true, url: onOwn } : { ok: false, outcome: 'provider:unsafe-link' };
  // Still https, without credentials, on a dotted host, whatever the host.
  const url = checkedLink(link, []);
  if (!url) return { ok: false, outcome: 'provider:unsafe-link' };
  if (own.length > 0 && onOwn) return { ok: true, url };
  const host = new URL(url).hostname;
  if (remembered === null) return { ok: true, url, learn: host };
  return host === remembered ? { ok: true, url } : { ok: false, outcome: 'portal-host-changed' };
}

/**
 * The lasting page's CSP `form-action` sources. Browsers check form-action against the 303's target
 * too (the form's navigation follows the redirect), so it must name where the relay may send the
 * customer: the store's own hosts and the remembered one; before one is remembered, for a
 * `publicHost` provider, any https host (the relay itself checks and learns the host on open).
 */
export function formActionSources(store: Omit<Store, 'apiKey'>, remembered: string | null): string {
  const provider = providerFor(store);
  const own = provider.linkHosts(store);
  if (!provider.publicHost) return cspSources(own);
  return remembered === null ? 'https:' : cspSources([...own, remembered]);
}

/**
 * Finalises a mint's pending audit row and, when the verdict learns a host, remembers it in the same
 * batch: the host is written only if none is remembered yet, the row is finalised only if the store's
 * host is then the learned one (a concurrent first mint on another host loses: `false`), and a row of
 * its own (`portal-host`, `learned:<host>`) records what was learned.
 */
export async function finaliseLearning(
  db: D1Database,
  auditId: number,
  outcome: string,
  learn: { storeId: string; host: string; agent: string | null },
): Promise<boolean> {
  const { storeId, host, agent } = learn;
  let results: D1Result[];
  try {
    results = await db.batch([
      db.prepare('UPDATE stores SET portal_host = ? WHERE id = ? AND portal_host IS NULL').bind(host, storeId),
      db
        .prepare(
          `INSERT INTO audit (at, agent, store_id, action, outcome)
         SELECT ?, ?, ?, 'portal-host', ? WHERE (SELECT portal_host FROM stores WHERE id = ?) = ?`,
        )
        .bind(new Date().toISOString(), agent, storeId, `learned:${host}`, storeId, host),
      db
        .prepare(
          `UPDATE audit SET outcome = ? WHERE id = ? AND outcome = 'pending'
           AND (SELECT portal_host FROM stores WHERE id = ?) = ?`,
        )
        .bind(outcome, auditId, storeId, host),
    ]);
  } catch {
    throw new AuditError('audit write failed');
  }
  return results[2]?.meta.changes === 1;
}
