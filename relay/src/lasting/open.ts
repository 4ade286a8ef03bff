/**
 * POST /l/<id>: the customer pressed the button. The form token is spent and the audit row written
 * first; only then is the provider's short-lived link minted, checked, and the customer sent there (303).
 */
import type { Context } from 'hono';
import { AuditError, appendAudit, finaliseAudit, hashPrefix } from '../audit';
import { type AppEnv, nowS, providerOverridesRefused } from '../env';
import { publicOrigin } from '../http';
import { finaliseLearning, type HostVerdict, portalHostVerdict } from '../portal-host';
import { issueLink, relayHttp } from '../providers';
import { openStore, type StoreRow, storeQuery } from '../stores';
import { checkFormToken, spendToken } from './db';
import type { Notice } from './pages';
import { auditOf, limited, notice, visit } from './visit';

/** A form post from another site (when the browser says so) is refused like a forged token. */
function crossSite(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  return (
    origin !== undefined && origin !== 'null' && origin !== new URL(c.req.url).origin && origin !== publicOrigin(c)
  );
}

async function formField(c: Context<AppEnv>): Promise<string> {
  if (Number(c.req.header('content-length') ?? '0') > 4096) return '';
  try {
    const text = await c.req.text();
    return text.length > 4096 ? '' : (new URLSearchParams(text).get('token') ?? '');
  } catch {
    return '';
  }
}

export async function openLastingLink(c: Context<AppEnv, '/l/:id'>) {
  const v = await visit(c, c.req.param('id'), 'open');
  const token = await formField(c);
  const audit = (outcome: string) => appendAudit(c.env.DB, auditOf(v, 'lasting-open', outcome));
  const refusedWith = async (outcome: string, kind: Notice, retryAfterS?: number) => {
    try {
      await audit(outcome);
    } catch {
      return notice(c, v, 'failed');
    }
    return notice(c, v, kind, retryAfterS);
  };

  const retryAfterS = limited(v);
  if (retryAfterS !== undefined) return refusedWith('rate-limited', 'limited', retryAfterS);
  const nonce = crossSite(c) ? undefined : await checkFormToken(c.env.TOKEN_SECRET, v.idHash, token, nowS());
  if (!nonce) return refusedWith('forbidden', 'forbidden');
  if (!v.live || !v.link) return refusedWith('invalid', 'invalid');
  const link = v.link;

  // Spend the token and write the audit row first, together: a replay or a failed write means no redirect.
  // The store's row comes in the same batch (one round trip fewer before the provider call).
  let auditId: number;
  let storeRow: StoreRow | undefined;
  try {
    const results = await c.env.DB.batch([
      ...spendToken(c.env.DB, nonce, nowS()),
      c.env.DB.prepare(
        `INSERT INTO audit (at, agent, store_id, customer, action, outcome, token_hash, client)
         VALUES (?, ?, ?, ?, 'lasting-open', 'pending', ?, ?) RETURNING id`,
      ).bind(new Date().toISOString(), link.agent, link.storeId, link.customer, hashPrefix(v.idHash), v.client),
      storeQuery(c.env.DB, link.storeId),
    ]);
    const row = results[2]?.results?.[0] as { id: number } | undefined;
    if (!row) throw new AuditError('no row');
    auditId = row.id;
    storeRow = results[3]?.results?.[0] as StoreRow | undefined;
  } catch (error) {
    const replay = error instanceof Error && /UNIQUE|constraint/i.test(error.message);
    return replay ? refusedWith('replayed', 'forbidden') : notice(c, v, 'failed');
  }

  // The provider's link goes out only if it is https on the store's portal host (never a URL from the
  // request); a publicHost provider's first host off the store's list is learned (portal-host.ts).
  let verdict: HostVerdict | undefined;
  let outcome = 'opened';
  try {
    // Same rule as /v1/links: a provider mock base outside `relay:dev` on loopback serves nothing.
    if (providerOverridesRefused(c.env, c.req.url)) throw Object.assign(new Error(), { code: 'override-not-allowed' });
    const store = await openStore(c.env, storeRow);
    if (!store) throw new Error('store gone');
    const minted = await issueLink(
      store,
      link.customerKind === 'email' ? { kind: 'email', email: link.customer } : { kind: 'id', id: link.customer },
      relayHttp(c.env),
    );
    verdict = portalHostVerdict(store, storeRow?.portal_host ?? null, minted.url);
    if (!verdict.ok) outcome = verdict.outcome;
  } catch (error) {
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'internal';
    outcome = `provider:${code}`;
  }
  try {
    const learn = verdict?.ok ? verdict.learn : undefined;
    if (
      learn &&
      !(await finaliseLearning(c.env.DB, auditId, outcome, { storeId: link.storeId, host: learn, agent: link.agent }))
    ) {
      // Another first open remembered a different host meanwhile.
      verdict = { ok: false, outcome: 'portal-host-changed' };
      await finaliseAudit(c.env.DB, auditId, verdict.outcome);
    } else if (!learn) await finaliseAudit(c.env.DB, auditId, outcome);
  } catch {
    return notice(c, v, 'failed');
  }
  if (!verdict?.ok) return notice(c, v, 'failed');
  c.header('Referrer-Policy', 'no-referrer');
  return c.redirect(verdict.url, 303);
}
