/** GET /v1/stores: the stores a signed-in agent may use, without their keys. */
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { limitIp, refuse, refuseAudited } from '../http';
import { listStores, publicStore } from '../stores';
import { authenticate, whoAsked } from './session';

export async function agentStores(c: Context<AppEnv>) {
  const auth = await authenticate(c);
  if (!auth.ok) {
    // Counted per client IP before the row is written, so a flood of bad tokens writes little.
    const limit = await limitIp(c, 'unauthenticated');
    if (!limit.ok) return refuse(c, 429, 'rate-limited', { retryAfterS: limit.retryAfterS });
    return refuseAudited(c, 401, auth.code, { action: 'stores', ...whoAsked(auth) });
  }
  const stores = await listStores(c.env.DB);
  const allowed = auth.agent.stores;
  return c.json({
    agent: { email: auth.agent.email },
    stores: stores.filter((s) => !allowed || allowed.includes(s.id)).map(publicStore),
  });
}
