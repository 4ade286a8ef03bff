/** POST /v1/lasting-links: an agent asks for a lasting link, https://<relay>/l/<id>, that mints on the customer's press. */
import type { Context } from 'hono';
import { isProviderId, providerFor } from '../../../lib/providers/registry';
import { z } from '../../../lib/shared/zod';
import { contextField, customerField, readCustomer } from '../agent/link-request';
import { authenticate, whoAsked } from '../agent/session';
import { type AuditEntry, hashPrefix } from '../audit';
import { type AppEnv, nowS } from '../env';
import { jsonOf, limitAgent, limitIp, publicOrigin, refuse, refuseAudited } from '../http';
import { insertLink, linkDays, linkHash, newLinkId } from './db';

const createRequest = z.object({
  storeId: z.string().min(1).max(64),
  customer: customerField,
  context: contextField,
});

export async function createLastingLink(c: Context<AppEnv>) {
  const body = await jsonOf(c);
  const auth = await authenticate(c);
  const loose = createRequest.partial().safeParse(body);
  const entry: Omit<AuditEntry, 'outcome'> = {
    ...whoAsked(auth),
    action: 'lasting-create',
    storeId: loose.data?.storeId,
    helpdeskHost: loose.data?.context?.helpdeskHost,
    ticketId: loose.data?.context?.ticketId,
  };
  const refused = (status: 400 | 401 | 403 | 404 | 429 | 500, code: string, retryAfterS?: number) =>
    refuseAudited(c, status, code, entry, retryAfterS);

  if (!auth.ok) {
    // As for /v1/links: counted per client IP before the row is written, so bad tokens write little.
    const limit = await limitIp(c, 'unauthenticated');
    if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
    return refused(401, auth.code);
  }
  const parsed = createRequest.safeParse(body);
  if (!parsed.success) return refused(400, 'invalid-request');
  const request = parsed.data;
  if (auth.agent.stores && !auth.agent.stores.includes(request.storeId)) return refused(403, 'store-forbidden');

  // Counted in the same limits as a copy: a lasting link is a link handed out.
  const [store, limit, days] = await Promise.all([
    c.env.DB.prepare('SELECT provider FROM stores WHERE id = ?').bind(request.storeId).first<{ provider: string }>(),
    limitAgent(c.env, auth.agent.email),
    linkDays(c.env.DB, request.storeId),
  ]);
  if (!store || !isProviderId(store.provider)) return refused(404, 'unknown-store');
  if (!limit.ok) return refused(429, 'rate-limited', limit.retryAfterS);
  const isEmail = 'email' in request.customer;
  const customer = readCustomer(providerFor({ provider: store.provider }), request.customer);
  if (!customer) return refused(400, 'invalid-customer');

  const id = newLinkId();
  const idHash = await linkHash(id);
  const now = new Date();
  const expiresAt = nowS() + days * 86_400;
  // The link and its audit row are one transaction: no row, no link.
  try {
    await c.env.DB.batch([
      insertLink(c.env.DB, {
        idHash,
        storeId: request.storeId,
        customerKind: isEmail ? 'email' : 'id',
        customer,
        agent: auth.agent.email,
        createdAt: now.toISOString(),
        expiresAt,
      }),
      c.env.DB.prepare(
        `INSERT INTO audit (at, agent, store_id, customer, action, outcome, helpdesk_host, ticket_id, token_hash,
                            session_id)
         VALUES (?, ?, ?, ?, ?, 'created', ?, ?, ?, ?)`,
      ).bind(
        now.toISOString(),
        auth.agent.email,
        request.storeId,
        customer,
        'lasting-create',
        entry.helpdeskHost ?? null,
        entry.ticketId ?? null,
        hashPrefix(idHash),
        auth.agent.sessionId,
      ),
    ]);
  } catch {
    return refuse(c, 503, 'audit-unavailable');
  }
  return c.json({ url: `${publicOrigin(c)}/l/${id}`, expiresAt: expiresAt * 1000 });
}
