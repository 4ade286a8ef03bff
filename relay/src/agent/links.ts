/** POST /v1/links: a signed-in agent asks for a customer's portal link (copied, or emailed by the provider). */
import type { Context } from 'hono';
import { providerFor } from '../../../lib/providers/registry';
import { PortalLinkError } from '../../../lib/shared/error-codes';
import { type AuditEntry, AuditError, appendAudit, finaliseAudit } from '../audit';
import { type AppEnv, providerOverridesRefused } from '../env';
import { jsonOf, limitAgent, limitIp, refuse, refuseAudited } from '../http';
import type { Verdict } from '../limiter';
import { finaliseLearning, portalHostVerdict } from '../portal-host';
import { issueLink, relayHttp, sendPortalEmail } from '../providers';
import { openStore, type StoreRow, storeQuery } from '../stores';
import { auditFields, linkRequest, pendingLinkRow, readCustomer } from './link-request';
import { type Auth, bearer, type SessionRow, sessionStatements, sessionVerdict, whoAsked } from './session';

type Status = 400 | 401 | 403 | 404 | 429 | 500 | 503;

const PROVIDER_STATUS: Partial<Record<string, 400 | 404 | 429 | 502 | 504>> = {
  'customer-not-found': 404,
  'bad-request': 400,
  'invalid-customer': 400,
  'rate-limited': 429,
  timeout: 504,
};

export async function links(c: Context<AppEnv>) {
  const db = c.env.DB;
  const body = await jsonOf(c);
  const fields = auditFields(body);
  const token = await bearer(c);
  // What needs no database is known first, so that what does is one batch: the session check, the
  // store and the pending audit row, with the agent's limiter asked meanwhile.
  const overridden = providerOverridesRefused(c.env, c.req.url);
  const parsed = linkRequest.safeParse(body);
  const request = parsed.success && !overridden ? parsed.data : undefined;
  let auth: Auth = token.ok ? { ok: false, code: 'unauthenticated' } : token;
  let storeRow: StoreRow | undefined;
  let pendingId: number | undefined;
  let limit: Verdict | undefined;
  if (token.ok) {
    const entry = { ...fields, agent: token.claims.email, tokenHash: token.tokenHash, sessionId: token.claims.sid };
    const statements = sessionStatements(db, token.claims);
    if (request) statements.push(storeQuery(db, request.storeId), pendingLinkRow(db, token, request, entry));
    // Every well-formed request of a signed-in agent counts against the limit, whatever its outcome.
    const take = request ? limitAgent(c.env, token.claims.email).catch(() => undefined) : undefined;
    let results: D1Result[];
    try {
      [results, limit] = await Promise.all([db.batch(statements), take]);
    } catch (error) {
      // With the audit row in it, a batch that fails is an audit write that failed: no link.
      if (request) return refuse(c, 503, 'audit-unavailable');
      throw error;
    }
    auth = sessionVerdict(token.claims, token.tokenHash, results[0]?.results[0] as SessionRow | undefined);
    storeRow = results[2]?.results[0] as StoreRow | undefined;
    pendingId = (results[3]?.results[0] as { id: number } | undefined)?.id;
  }
  const entry: Omit<AuditEntry, 'outcome'> = { ...fields, ...whoAsked(auth) };
  // Refusals are audited too (the pending row finalised, or a row of their own); if even that cannot
  // be written, say so rather than pretend.
  const refused = async (status: Status, code: string, retryAfterS?: number) => {
    if (pendingId === undefined) return refuseAudited(c, status, code, entry, retryAfterS);
    try {
      await finaliseAudit(db, pendingId, code);
    } catch {
      return refuse(c, 503, 'audit-unavailable');
    }
    return refuse(c, status, code, retryAfterS !== undefined ? { retryAfterS } : {});
  };

  if (!auth.ok) {
    // Counted per client IP before the row is written, so a flood of bad tokens writes little.
    const ipLimit = await limitIp(c, 'unauthenticated');
    if (!ipLimit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: ipLimit.retryAfterS });
    return refused(401, auth.code);
  }
  if (overridden) {
    console.error(
      JSON.stringify({
        error: 'provider-override-not-allowed',
        why: 'Provider overrides (<PROVIDER>_API_BASE) are set; they are honoured only under `npm run relay:dev` on loopback. Remove them and deploy again.',
      }),
    );
    return refused(503, 'provider-override-not-allowed');
  }
  if (!request) return refused(400, 'invalid-request');
  if (auth.agent.stores && !auth.agent.stores.includes(request.storeId)) return refused(403, 'store-forbidden');

  // A key that does not open (KEYS_SECRET changed without a reseal) fails closed, audited.
  const store = await openStore(c.env, storeRow).catch(() => null);
  if (store === null) return refused(500, 'store-key-unreadable');
  if (!store) return refused(404, 'unknown-store');
  if (!limit) return refused(500, 'internal');
  if (!limit.ok) return refused(429, 'rate-limited', limit.retryAfterS);

  const provider = providerFor(store);
  const customer = readCustomer(provider, request.customer);
  if (!customer) return refused(400, 'invalid-customer');
  const query =
    'email' in request.customer ? { kind: 'email' as const, email: customer } : { kind: 'id' as const, id: customer };
  if (request.action === 'email' && (!provider.emailLink || query.kind !== 'email')) {
    return refused(400, 'email-unsupported');
  }

  // Write-ahead: no row, no provider call (written in the batch above unless D1 saw it differently).
  let auditId: number;
  try {
    auditId = pendingId ?? (await appendAudit(db, { ...entry, customer, outcome: 'pending' }));
  } catch {
    return refuse(c, 503, 'audit-unavailable');
  }

  const http = relayHttp(c.env);
  try {
    if (request.action === 'email' && query.kind === 'email') {
      await sendPortalEmail(store, query.email, http);
      await finaliseAudit(db, auditId, 'emailed');
      return c.json({ emailed: true, to: query.email });
    }
    const link = await issueLink(store, query, http);
    // The same host rule as the lasting open: a publicHost provider's first host off the store's list
    // is remembered with this row; a later different one is refused (portal-host.ts).
    // The agent is told `unsafe-link`, as for any link it may not have; the audit row says why.
    const verdict = portalHostVerdict(store, storeRow?.portal_host ?? null, link.url);
    const learn =
      verdict.ok && verdict.learn ? { storeId: store.id, host: verdict.learn, agent: auth.agent.email } : undefined;
    const learned = learn ? await finaliseLearning(db, auditId, 'allowed', learn) : verdict.ok;
    if (!verdict.ok || !learned) {
      await finaliseAudit(db, auditId, verdict.ok ? 'portal-host-changed' : verdict.outcome);
      return refuse(c, 502, 'unsafe-link', { provider: provider.shortName });
    }
    if (!learn) await finaliseAudit(db, auditId, 'allowed');
    return c.json({ url: verdict.url, expiresAt: link.expiresAt });
  } catch (error) {
    if (error instanceof AuditError) return refuse(c, 503, 'audit-unavailable');
    const failure = error instanceof PortalLinkError ? error : new PortalLinkError('internal');
    try {
      await finaliseAudit(db, auditId, `provider:${failure.code}`);
    } catch {
      return refuse(c, 503, 'audit-unavailable');
    }
    return refuse(c, PROVIDER_STATUS[failure.code] ?? 502, failure.code, {
      ...(failure.context.provider ? { provider: failure.context.provider } : {}),
      ...(failure.context.retryAfterS !== undefined ? { retryAfterS: failure.context.retryAfterS } : {}),
    });
  }
}
