/**
 * Admin API (Bearer ADMIN_TOKEN), used by `npm run relay:admin`: agents (and their sessions), stores
 * (keys write-only), audit.
 */
import { Hono } from 'hono';
import { providerList, storeSchema } from '../../lib/providers/registry';
import { hostClashes } from '../../lib/providers/store-fields';
import { normalizeEmail } from '../../lib/shared/customer';
import { z } from '../../lib/shared/zod';
import { endSessions } from './agent/sign-in';
import { appendAudit, auditCsv, readAudit } from './audit';
import { enrollmentCode, forgetOpenedKeys, normaliseCode, sameSecret, sha256Hex } from './crypto';
import { type AppEnv, nowS } from './env';
import { jsonOf, limitIp, refuse } from './http';
import { lastingAdmin } from './lasting/routes';
import { forgetPortalHost, listStores, portalHosts, publicStore, resealKeys, saveStore } from './stores';
import { ENROLLMENT_TTL_S } from './tokens';

export const admin = new Hono<AppEnv>();

admin.use('*', async (c, next) => {
  const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  if (!token || !c.env.ADMIN_TOKEN || !(await sameSecret(token, c.env.ADMIN_TOKEN))) {
    // Failures are counted per client IP (the token is 256 random bits: this is about floods).
    const limit = await limitIp(c, 'unauthenticated');
    if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
    return refuse(c, 401, 'unauthenticated');
  }
  await next();
});

admin.post('/agents', async (c) => {
  const body = z
    // stores: a list limits the agent; null lifts a limit; absent leaves an existing agent's as it is.
    .object({ email: z.string(), stores: z.array(z.string().min(1).max(64)).max(50).nullable().optional() })
    .safeParse(await jsonOf(c));
  const email = body.success ? normalizeEmail(body.data.email)?.toLowerCase() : undefined;
  if (!body.success || !email) return refuse(c, 400, 'invalid-request');
  const code = enrollmentCode();
  const expiresAt = nowS() + ENROLLMENT_TTL_S;
  const db = c.env.DB;
  const { stores } = body.data;
  // Re-adding an agent (a new code) never widens what they may use unless asked to.
  const onConflict = stores === undefined ? 'removed_at = NULL' : 'stores = excluded.stores, removed_at = NULL';
  await db.batch([
    db
      .prepare(
        `INSERT INTO agents (email, stores, created_at) VALUES (?, ?, ?)
         ON CONFLICT(email) DO UPDATE SET ${onConflict}`,
      )
      .bind(email, stores ? JSON.stringify(stores) : null, new Date().toISOString()),
    // A new code replaces any unused one.
    db.prepare('UPDATE enrollment_codes SET used_at = ? WHERE email = ? AND used_at IS NULL').bind(nowS(), email),
    db
      .prepare('INSERT INTO enrollment_codes (code_hash, email, expires_at) VALUES (?, ?, ?)')
      .bind(await sha256Hex(normaliseCode(code)), email, expiresAt),
  ]);
  return c.json({ email, enrollmentCode: code, expiresAt: new Date(expiresAt * 1000).toISOString() });
});

admin.get('/agents', async (c) => {
  const { results } = await c.env.DB.prepare(
    `SELECT a.email, a.stores, a.removed_at AS removedAt,
            (SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.email = a.email) AS lastSeen,
            (SELECT COUNT(*) FROM sessions s WHERE s.email = a.email AND s.ended_at IS NULL AND s.expires_at > ?)
              AS activeSessions
     FROM agents a ORDER BY a.email`,
  )
    .bind(nowS())
    .all<{
      email: string;
      stores: string | null;
      removedAt: string | null;
      lastSeen: number | null;
      activeSessions: number;
    }>();
  return c.json({
    agents: results.map((a) => ({
      email: a.email,
      stores: a.stores ? (JSON.parse(a.stores) as string[]) : null,
      removed: a.removedAt !== null,
      lastSeen: a.lastSeen === null ? null : new Date(a.lastSeen * 1000).toISOString(),
      activeSessions: a.activeSessions,
    })),
  });
});

admin.delete('/agents/:email', async (c) => {
  const email = c.req.param('email').toLowerCase();
  const result = await c.env.DB.prepare('UPDATE agents SET removed_at = ? WHERE email = ? AND removed_at IS NULL')
    .bind(new Date().toISOString(), email)
    .run();
  if (result.meta.changes !== 1) return refuse(c, 404, 'unknown-agent');
  await endSessions(c.env.DB, email);
  await c.env.DB.prepare('UPDATE enrollment_codes SET used_at = ? WHERE email = ? AND used_at IS NULL')
    .bind(nowS(), email)
    .run();
  return c.json({ removed: email });
});

admin.put('/stores/:id', async (c) => {
  const body = await jsonOf(c);
  const parsed = storeSchema.safeParse({ ...(typeof body === 'object' ? body : {}), id: c.req.param('id') });
  if (!parsed.success || parsed.data.apiKey === '') {
    return c.json(
      {
        error: {
          code: 'invalid-request',
          fields: parsed.success ? ['apiKey'] : parsed.error.issues.map((i) => i.path.join('.')),
        },
      },
      400,
    );
  }
  const others = (await listStores(c.env.DB)).filter((s) => s.id !== parsed.data.id);
  const clash = hostClashes([...others, parsed.data])[0];
  if (clash) return c.json({ error: { code: 'host-taken', host: clash.host } }, 409);
  await saveStore(c.env, parsed.data);
  forgetOpenedKeys(parsed.data.id);
  return c.json({ store: publicStore(parsed.data) });
});

admin.delete('/stores/:id', async (c) => {
  const id = c.req.param('id');
  const result = await c.env.DB.prepare('DELETE FROM stores WHERE id = ?').bind(id).run();
  if (result.meta.changes !== 1) return refuse(c, 404, 'unknown-store');
  forgetOpenedKeys(id);
  return c.json({ removed: id });
});

/** Forgets the store's remembered portal host (portal-host.ts): the next link's host is learned afresh. */
admin.delete('/stores/:id/portal-host', async (c) => {
  const id = c.req.param('id');
  if (!(await forgetPortalHost(c.env.DB, id))) return refuse(c, 404, 'unknown-store');
  await appendAudit(c.env.DB, { storeId: id, action: 'portal-host', outcome: 'forgotten' });
  return c.json({ forgotten: id });
});

admin.post('/stores/reseal', async (c) => c.json({ resealed: await resealKeys(c.env) }));

/** The providers and their own store fields, for the admin CLI's `store set` flags (`storeDomain` → `--store-domain`). */
admin.get('/providers', (c) =>
  c.json({
    providers: providerList.map((p) => ({
      id: p.id,
      label: p.label,
      fields: p.fields.map((f) => ({ key: f.key, ...(f.options ? { options: f.options.map((o) => o.value) } : {}) })),
    })),
  }),
);

admin.get('/stores', async (c) => {
  const [stores, hosts] = await Promise.all([listStores(c.env.DB), portalHosts(c.env.DB)]);
  // The remembered portal host is the admin's to see (agents' store list never shows it).
  return c.json({ stores: stores.map((s) => ({ ...publicStore(s), portalHost: hosts.get(s.id) ?? null })) });
});

admin.get('/audit', async (c) => {
  const since = c.req.query('since');
  if (since !== undefined && Number.isNaN(Date.parse(since))) return refuse(c, 400, 'invalid-request');
  const rows = await readAudit(c.env.DB, since ? new Date(since).toISOString() : undefined);
  if (c.req.query('format') === 'csv') {
    return c.body(auditCsv(rows), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  }
  return c.json({ rows });
});

admin.route('/lasting-links', lastingAdmin);
