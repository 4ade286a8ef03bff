/**
 * The audit log: one row per link request, allowed or refused, and one per sign-in, refresh,
 * sign-out and refused store list (action enroll / refresh / signout / stores). A request that reaches the provider
 * gets its row first (outcome 'pending') and it is finalised after the call; if the first write fails,
 * nothing is called, and if finalising fails, no link leaves the relay.
 */

export interface AuditEntry {
  agent?: string;
  storeId?: string;
  customer?: string;
  action?: string;
  outcome: string;
  helpdeskHost?: string;
  ticketId?: string;
  tokenHash?: string;
  /** The session (one per sign-in, the same across access tokens). */
  sessionId?: string;
  /** A lasting link's view or open: a coarse client hint (lasting/pages.ts), never the IP. */
  client?: string;
}

/** What the audit and the admin see of a token's or a link id's SHA-256: enough to tell them apart, never to use one. */
export const HASH_PREFIX_LENGTH = 12;
export const hashPrefix = (sha256: string) => sha256.slice(0, HASH_PREFIX_LENGTH);

export interface AuditRow {
  at: string;
  agent: string | null;
  store: string | null;
  customer: string | null;
  action: string | null;
  outcome: string;
  helpdeskHost: string | null;
  ticketId: string | null;
  tokenHash: string | null;
  sessionId: string | null;
  client: string | null;
}

export class AuditError extends Error {}

/** Appends a row and returns its id; throws AuditError when the row could not be written. */
export async function appendAudit(db: D1Database, entry: AuditEntry, now = new Date()): Promise<number> {
  try {
    const row = await db
      .prepare(
        `INSERT INTO audit (at, agent, store_id, customer, action, outcome, helpdesk_host, ticket_id, token_hash,
                            session_id, client)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .bind(
        now.toISOString(),
        entry.agent ?? null,
        entry.storeId ?? null,
        entry.customer ?? null,
        entry.action ?? null,
        entry.outcome,
        entry.helpdeskHost ?? null,
        entry.ticketId ?? null,
        entry.tokenHash ?? null,
        entry.sessionId ?? null,
        entry.client ?? null,
      )
      .first<{ id: number }>();
    if (!row) throw new AuditError('no row');
    return row.id;
  } catch (error) {
    throw error instanceof AuditError ? error : new AuditError('audit write failed');
  }
}

export async function finaliseAudit(db: D1Database, id: number, outcome: string): Promise<void> {
  try {
    const result = await db
      .prepare(`UPDATE audit SET outcome = ? WHERE id = ? AND outcome = 'pending'`)
      .bind(outcome, id)
      .run();
    if (result.meta.changes !== 1) throw new AuditError('not finalised');
  } catch (error) {
    throw error instanceof AuditError ? error : new AuditError('audit write failed');
  }
}

export async function readAudit(db: D1Database, since?: string): Promise<AuditRow[]> {
  const { results } = await db
    .prepare(
      `SELECT at, agent, store_id AS store, customer, action, outcome, helpdesk_host AS helpdeskHost,
              ticket_id AS ticketId, token_hash AS tokenHash, session_id AS sessionId, client
       FROM audit WHERE at >= ? ORDER BY id`,
    )
    .bind(since ?? '')
    .all<AuditRow>();
  return results;
}

const COLUMNS: (keyof AuditRow)[] = [
  'at',
  'agent',
  'store',
  'customer',
  'action',
  'outcome',
  'helpdeskHost',
  'ticketId',
  'tokenHash',
  'sessionId',
  'client',
];

/** RFC 4180 CSV; a cell starting with = + - @ is prefixed with ' so spreadsheets don't run it. */
export function auditCsv(rows: AuditRow[]): string {
  const cell = (value: string | null) => {
    let text = value ?? '';
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => cell(row[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
