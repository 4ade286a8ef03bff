/** GET /l/<id>: the customer's page with one button; a mail scanner's GET mints nothing. */
import type { Context } from 'hono';
import { isProviderId, type Store } from '../../../lib/providers/registry';
import { appendAudit } from '../audit';
import { type AppEnv, nowS } from '../env';
import { formActionSources } from '../portal-host';
import { formToken } from './db';
import { openPage } from './pages';
import { auditOf, limited, notice, page, visit } from './visit';

/** Where the form may lead (CSP form-action is checked against the 303's target too): portal-host.ts. */
function portalSource(provider: string | null, settings: string | null, remembered: string | null): string {
  if (!provider || !isProviderId(provider)) return 'https:';
  let own: unknown;
  try {
    own = JSON.parse(settings ?? '{}');
  } catch {
    return 'https:';
  }
  const store = { ...(own as object), provider } as Omit<Store, 'apiKey'>;
  return formActionSources(store, remembered);
}

export async function viewLastingLink(c: Context<AppEnv, '/l/:id'>) {
  const v = await visit(c, c.req.param('id'), 'view');
  const retryAfterS = limited(v);
  const outcome = retryAfterS !== undefined ? 'rate-limited' : v.live ? 'shown' : 'invalid';
  try {
    await appendAudit(c.env.DB, auditOf(v, 'lasting-view', outcome));
  } catch {
    return notice(c, v, 'failed');
  }
  if (retryAfterS !== undefined) return notice(c, v, 'limited', retryAfterS);
  if (!v.live || !v.link) return notice(c, v, 'invalid');
  const token = await formToken(c.env.TOKEN_SECRET, v.idHash, nowS());
  const { storeName, storeProvider, storeSettings, storePortalHost } = v.link;
  return page(
    c,
    v,
    200,
    (nonce) => openPage(v.lang, storeName ?? '', token, nonce),
    portalSource(storeProvider, storeSettings, storePortalHost),
  );
}
