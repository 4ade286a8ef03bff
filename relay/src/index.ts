/**
 * Portal Link team relay: agents sign in with a one-time code, then ask for links; the relay holds the
 * provider keys (encrypted), calls the provider with the extension's own provider code, limits each
 * agent and writes one audit row per link request. No response or log line carries a key, a link
 * (other than to the agent who asked) or a token.
 */
import { Hono } from 'hono';
import { admin } from './admin';
import { agentRoutes } from './agent/routes';
import type { AppEnv } from './env';
import { lastingAgent, lastingPublic } from './lasting/routes';

export { Limiter } from './limiter';

const app = new Hono<AppEnv>();

app.use('*', async (c, next) => {
  const started = Date.now();
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  // One line per request: method, route, status, time. Never headers, bodies or query strings.
  console.log(
    JSON.stringify({ method: c.req.method, path: c.req.routePath, status: c.res.status, ms: Date.now() - started }),
  );
});

app.route('/v1', agentRoutes);
app.route('/v1', lastingAgent);
app.route('/', lastingPublic);
app.route('/admin', admin);

app.notFound((c) => c.json({ error: { code: 'not-found' } }, 404));
app.onError((error, c) => {
  console.error(JSON.stringify({ path: c.req.routePath, error: error.name }));
  return c.json({ error: { code: 'internal' } }, 500);
});

export default app;
