/**
 * What an agent's link request says (POST /v1/links, POST /v1/lasting-links): the store, the customer
 * by email or by the provider's id, and where the agent is working; and the audit row it starts.
 */
import { providerList } from '../../../lib/providers/registry';
import { normalizeEmail } from '../../../lib/shared/customer';
import { z } from '../../../lib/shared/zod';
import type { AuditEntry } from '../audit';
import type { Bearer } from './session';

export const customerField = z.union([
  z.object({ email: z.string().max(320) }).strict(),
  z.object({ id: z.string().max(80) }).strict(),
]);

export const contextField = z
  .object({
    helpdeskHost: z
      .string()
      .max(253)
      .regex(/^[a-z0-9.-]+$/i)
      .optional(),
    ticketId: z.string().max(64).optional(),
  })
  .optional();

export const linkRequest = z.object({
  storeId: z.string().min(1).max(64),
  customer: customerField,
  action: z.enum(['copy', 'email']),
  context: contextField,
});

export type LinkRequest = z.infer<typeof linkRequest>;

/** The customer as a provider reads it: a normalised email, or the provider's own id form. */
export function readCustomer(
  provider: { parseId(input: string): string | undefined },
  customer: z.infer<typeof customerField>,
): string | undefined {
  return 'email' in customer ? normalizeEmail(customer.email) : provider.parseId(customer.id);
}

/** Best-effort fields for the audit row of a request that may be refused before it is validated. */
export function auditFields(body: unknown): Omit<AuditEntry, 'outcome'> {
  const r = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
  const customer = (typeof r.customer === 'object' && r.customer !== null ? r.customer : {}) as Record<string, unknown>;
  const context = (typeof r.context === 'object' && r.context !== null ? r.context : {}) as Record<string, unknown>;
  return {
    storeId: text(r.storeId, 64),
    customer: text(customer.email, 320) ?? text(customer.id, 80),
    // Only a real link action: a forged one must not pass for a sign-in row.
    action: r.action === 'copy' || r.action === 'email' ? r.action : undefined,
    helpdeskHost: text(context.helpdeskHost, 253),
    ticketId: text(context.ticketId, 64),
  };
}

/**
 * The customer as each provider reads this request, or null where that provider cannot serve it
 * (not its id form, or an email action it does not offer); SQL picks the store's provider's entry.
 */
function customerByProvider(request: LinkRequest): string {
  const entries = providerList.map((provider) => {
    const customer = readCustomer(provider, request.customer);
    const offered = request.action !== 'email' || (provider.emailLink !== undefined && 'email' in request.customer);
    return [provider.id, offered ? (customer ?? null) : null];
  });
  return JSON.stringify(Object.fromEntries(entries));
}

/**
 * The link's audit row as 'pending', in the lookups' own batch (one round trip, one transaction),
 * written only when the request passes what D1 knows: a live session, a store that exists and the
 * agent may use, a customer its provider reads. Otherwise nothing is written here and the refusal
 * gets its own row as before; a request refused after this (limit, key) finalises this row instead.
 */
export function pendingLinkRow(
  db: D1Database,
  token: Extract<Bearer, { ok: true }>,
  request: LinkRequest,
  entry: Omit<AuditEntry, 'outcome'>,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO audit (at, agent, store_id, customer, action, outcome, helpdesk_host, ticket_id, token_hash,
                          session_id)
       SELECT ?1, a.email, st.id, m.value, ?2, 'pending', ?3, ?4, ?5, s.id
       FROM agents a
       JOIN sessions s ON s.id = ?6 AND s.email = a.email AND s.ended_at IS NULL
       JOIN stores st ON st.id = ?7
       JOIN json_each(?8) m ON m.key = st.provider AND m.type = 'text'
       WHERE a.email = ?9 AND a.removed_at IS NULL AND a.session_epoch = ?10
         AND (a.stores IS NULL OR EXISTS (SELECT 1 FROM json_each(a.stores) WHERE value = st.id))
       RETURNING id`,
    )
    .bind(
      new Date().toISOString(),
      request.action,
      entry.helpdeskHost ?? null,
      entry.ticketId ?? null,
      token.tokenHash,
      token.claims.sid,
      request.storeId,
      customerByProvider(request),
      token.claims.email,
      token.claims.epoch,
    );
}
