/** /admin/lasting-links (behind the admin app's token check): list, revoke, and a store's link lifetime. */
import type { Context } from 'hono';
import { normalizeEmail } from '../../../lib/shared/customer';
import { z } from '../../../lib/shared/zod';
import type { AppEnv } from '../env';
import { jsonOf, refuse } from '../http';
import { isLinkId, linkHash, listLinks, revokeLinks } from './db';

const emailOf = (text: string | undefined) => (text ? normalizeEmail(text)?.toLowerCase() : undefined);

/** GET /admin/lasting-links?agent=&customer= */
export async function listLastingLinks(c: Context<AppEnv>) {
  const agent = c.req.query('agent');
  const customer = c.req.query('customer');
  const filter = { agent: emailOf(agent), customer: customer ? (normalizeEmail(customer) ?? customer) : undefined };
  if ((agent && !filter.agent) || (customer && customer.length > 320)) return refuse(c, 400, 'invalid-request');
  return c.json({ links: await listLinks(c.env.DB, filter) });
}

const revokeRequest = z.union([
  z.object({ id: z.string().min(8).max(512) }).strict(),
  z.object({ customer: z.string().min(1).max(320) }).strict(),
  z.object({ agent: z.string().min(3).max(320) }).strict(),
]);

/** POST /admin/lasting-links/revoke: by the hash prefix `link list` shows, by the link itself (URL or id), by customer or by agent. */
export async function revokeLastingLinks(c: Context<AppEnv>) {
  const body = revokeRequest.safeParse(await jsonOf(c));
  if (!body.success) return refuse(c, 400, 'invalid-request');
  const now = new Date();
  let result: Awaited<ReturnType<typeof revokeLinks>>;
  if ('id' in body.data) {
    const text = body.data.id.trim();
    const fromUrl = /\/l\/([A-Za-z0-9_-]{22})\/?$/.exec(text)?.[1];
    const hashPrefix = fromUrl || isLinkId(text) ? await linkHash(fromUrl ?? text) : text.toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(hashPrefix)) return refuse(c, 400, 'invalid-request');
    result = await revokeLinks(c.env.DB, { hashPrefix }, now);
  } else if ('customer' in body.data) {
    result = await revokeLinks(c.env.DB, { customer: normalizeEmail(body.data.customer) ?? body.data.customer }, now);
  } else {
    const agent = emailOf(body.data.agent);
    if (!agent) return refuse(c, 400, 'invalid-request');
    result = await revokeLinks(c.env.DB, { agent }, now);
  }
  if ('ambiguous' in result) return refuse(c, 409, 'ambiguous-prefix');
  return c.json(result);
}

/** PUT /admin/lasting-links/stores/<id> {lastingLinkDays} */
export async function setLastingLinkDays(c: Context<AppEnv, '/stores/:id'>) {
  const body = z.object({ lastingLinkDays: z.number().int().min(1).max(30) }).safeParse(await jsonOf(c));
  if (!body.success) return refuse(c, 400, 'invalid-request');
  const id = c.req.param('id');
  const exists = await c.env.DB.prepare('SELECT 1 AS x FROM stores WHERE id = ?').bind(id).first();
  if (!exists) return refuse(c, 404, 'unknown-store');
  await c.env.DB.prepare(
    'INSERT INTO lasting_link_settings (store_id, days) VALUES (?, ?) ON CONFLICT(store_id) DO UPDATE SET days = excluded.days',
  )
    .bind(id, body.data.lastingLinkDays)
    .run();
  return c.json({ store: id, lastingLinkDays: body.data.lastingLinkDays });
}
