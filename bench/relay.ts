/**
 * npm run bench:relay: what the team relay adds to a link request. The relay runs as `npm run
 * relay:dev` (workerd, local D1, the limiter Durable Object) with Appstle replaced by a loopback
 * stand-in; each round asks the stand-in directly (what the extension does without a relay) and
 * then asks the relay for the same customer (token check, agent and store lookup, limiter, audit row
 * written and finalised, key decrypted, the same provider call). Both sides alternate, so machine
 * noise lands on both. Numbers are local: a deployed relay adds the network hop to Cloudflare.
 *
 * Lasting links (issue 21): each round also makes a lasting link (not timed), loads its page (GET,
 * timed) and presses the button (POST with the page's form token, timed up to the 303): the open's
 * time over the direct mint's is what the redirect adds for the customer.
 */

import { startAppstleHttpMock, startRelay } from '../tests/e2e/support/relay';
import { APPSTLE_KEY, SHOP } from '../tests/fixtures/mock-providers';
import { summarize } from './stats';

const ROUNDS = Number(process.env.BENCH_RELAY_ROUNDS ?? 80);
// The default per-agent limit is 30 a minute: the rounds (a copy and a lasting link each) are spread
// over enough agents to stay under it.
const AGENTS = Math.ceil((2 * ROUNDS) / 25);

const appstle = await startAppstleHttpMock();
// Every request comes from this machine's one address: the per-IP limit of the public pages is lifted.
const relay = await startRelay({ APPSTLE_API_BASE: appstle.base, LASTING_IP_PER_MINUTE: '1000000' });
try {
  await relay.admin(
    [
      'store',
      'set',
      'acme',
      '--name',
      'Acme',
      '--provider',
      'appstle',
      '--helpdesk-hosts',
      'acme.zendesk.com',
      '--store-domain',
      SHOP,
    ],
    APPSTLE_KEY,
  );
  const tokens: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const code = (await relay.admin(['agent', 'add', `bench${i}@acme.test`])).trim().split('\n').at(-1);
    const reply = await fetch(`${relay.url}/v1/enroll`, { method: 'POST', body: JSON.stringify({ code }) });
    tokens.push(((await reply.json()) as { accessToken: string }).accessToken);
  }
  const direct = async () => {
    const started = performance.now();
    const r = await fetch(`${appstle.base}/api/external/v2/customer-portal-token?email=jane%40example.com`, {
      headers: { 'X-API-Key': APPSTLE_KEY, Accept: 'application/json' },
    });
    await r.json();
    if (r.status !== 200) throw new Error(`direct: ${r.status}`);
    return performance.now() - started;
  };
  const viaRelay = async (i: number) => {
    const started = performance.now();
    const r = await fetch(`${relay.url}/v1/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[i % AGENTS]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ storeId: 'acme', customer: { email: 'jane@example.com' }, action: 'copy' }),
    });
    await r.json();
    if (r.status !== 200) throw new Error(`relay: ${r.status}`);
    return performance.now() - started;
  };
  // The local dev server's own round trip (wrangler's proxy in front of workerd), on a route that
  // does nothing: the floor under every relay request here, which a deployed relay does not have.
  const floor = async () => {
    const started = performance.now();
    const r = await fetch(`${relay.url}/nothing-here`);
    await r.text();
    return performance.now() - started;
  };
  // A lasting link's page (GET) and its button (POST → 303 to the freshly minted portal link).
  const lasting = async (i: number) => {
    const made = await fetch(`${relay.url}/v1/lasting-links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[i % AGENTS]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ storeId: 'acme', customer: { email: 'jane@example.com' } }),
    });
    const { url } = (await made.json()) as { url: string };
    let started = performance.now();
    const page = await fetch(url);
    const html = await page.text();
    const pageMs = performance.now() - started;
    const formToken = /name="token" value="([^"]+)"/.exec(html)?.[1] ?? '';
    started = performance.now();
    const open = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: formToken }).toString(),
    });
    await open.text();
    const openMs = performance.now() - started;
    if (open.status !== 303 || !open.headers.get('location')?.startsWith(`https://${SHOP}/`)) {
      throw new Error(`lasting open: ${open.status}`);
    }
    return { pageMs, openMs };
  };
  // Warm-up: the first requests compile code and open the local database.
  for (let i = 0; i < 5; i++) {
    await direct();
    await viaRelay(i);
    await lasting(i);
  }
  const d: number[] = [];
  const v: number[] = [];
  const f: number[] = [];
  const lp: number[] = [];
  const lo: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    d.push(await direct());
    v.push(await viaRelay(i + 5));
    f.push(await floor());
    const l = await lasting(i + 5);
    lp.push(l.pageMs);
    lo.push(l.openMs);
  }
  const sd = summarize(d);
  const sv = summarize(v);
  const sf = summarize(f);
  console.log(`rounds: ${ROUNDS} (${AGENTS} agents)`);
  console.log(`direct Appstle call   median ${sd.median} ms  p95 ${sd.p95} ms`);
  console.log(`through the relay     median ${sv.median} ms  p95 ${sv.p95} ms`);
  console.log(
    `relay adds            median ${(sv.median - sd.median).toFixed(2)} ms  p95 ${(sv.p95 - sd.p95).toFixed(2)} ms`,
  );
  console.log(`dev server floor      median ${sf.median} ms  p95 ${sf.p95} ms (an empty route through wrangler dev)`);
  console.log(`relay's own work      median ${(sv.median - sd.median - sf.median).toFixed(2)} ms (adds − floor)`);
  const sp = summarize(lp);
  const so = summarize(lo);
  console.log(
    `lasting link page     median ${sp.median} ms  p95 ${sp.p95} ms (GET /l/<id>: lookup, limits, audit row)`,
  );
  console.log(`lasting link open     median ${so.median} ms  p95 ${so.p95} ms (POST /l/<id> → 303 to a fresh link)`);
  console.log(
    `open adds over a direct mint  median ${(so.median - sv.median).toFixed(2)} ms  p95 ${(so.p95 - sv.p95).toFixed(2)} ms (open − through the relay)`,
  );
} finally {
  await relay.stop();
  await appstle.close();
}
