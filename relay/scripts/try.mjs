#!/usr/bin/env node
// `npm run relay:try`: the team relay on this machine, ready for a first copy without a real API key.
// Starts an Appstle stand-in on loopback (appstle-stand-in.mjs), runs `relay:dev` (dev.mjs) with
// APPSTLE_API_BASE pointed at it and a throw-away database, adds a store and an agent with the admin
// CLI as an administrator would (the key on standard input), and prints, after wrangler's banner, the
// relay's address, the admin token, the agent's one-time code and what to do in the extension.
// Ctrl-C stops everything. RELAY_PORT / RELAY_INSPECTOR_PORT as for relay:dev.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAND_IN_CUSTOMERS, STAND_IN_KEY, STAND_IN_SHOP, startAppstleStandIn } from './appstle-stand-in.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const AGENT = 'agent@example.com';
const STORE = 'demo';
const HELPDESK = 'acme.zendesk.com';

const standIn = await startAppstleStandIn();
const state = mkdtempSync(join(tmpdir(), 'portal-link-relay-try-'));
const port = process.env.RELAY_PORT ?? '8787';
const relayUrl = `http://127.0.0.1:${port}`;
let output = '';
const dev = spawn(process.execPath, [join(here, 'dev.mjs')], {
  env: { ...process.env, APPSTLE_API_BASE: standIn.base, RELAY_PORT: port, RELAY_STATE_DIR: state },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true, // its own process group: dev.mjs → wrangler → workerd stop together
});
for (const stream of [dev.stdout, dev.stderr]) {
  stream.on('data', (chunk) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
}

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-dev.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await standIn.close();
  rmSync(state, { recursive: true, force: true });
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));
dev.on('exit', (code) => {
  if (!stopping) {
    console.error(`relay:dev stopped (exit ${code}).`);
    stop(code ?? 1);
  }
});

const deadline = Date.now() + 120_000;
while (!/Ready on http/.test(output)) {
  if (Date.now() > deadline) {
    console.error('The relay did not start within 2 minutes.');
    await stop(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const adminToken = /Admin token: (\S+)/.exec(output)?.[1] ?? '';

/** `npm run relay:admin -- …args`, as an administrator runs it (stdin: the store's key). */
function admin(args, stdin = '') {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, [join(here, 'admin.mjs'), ...args], {
      env: { ...process.env, RELAY_URL: relayUrl, RELAY_ADMIN_TOKEN: adminToken },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    cli.stdout.on('data', (chunk) => {
      out += chunk.toString();
    });
    cli.stdin.end(stdin);
    cli.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`relay:admin ${args.join(' ')} failed`))));
  });
}

try {
  await admin(
    ['store', 'set', STORE, '--name', 'Demo shop', '--provider', 'appstle'].concat([
      '--helpdesk-hosts',
      HELPDESK,
      '--store-domain',
      STAND_IN_SHOP,
    ]),
    `${STAND_IN_KEY}\n`,
  );
  const code = (await admin(['agent', 'add', AGENT])).trim().split('\n').at(-1);
  // Let wrangler log the admin requests first, so that this block is the last thing on screen.
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(`
────────────────────────────────────────────────────────────────────────
Portal Link team relay, ready to try (Appstle stand-in at ${standIn.base}; no real key)
  Relay URL:        ${relayUrl}
  Admin token:      ${adminToken}
  Enrollment code:  ${code}   (for ${AGENT}; works once)
  Store "${STORE}" (Demo shop) serves ${HELPDESK}; customers: ${STAND_IN_CUSTOMERS.map((c) => c.email).join(', ')}

In the extension:
  1. Open Portal Link's settings, pick Provider → Team relay.
  2. Relay URL: ${relayUrl}   Enrollment code: ${code}   → Sign in
     (the browser asks once for permission to reach ${relayUrl}).
  3. In the popup, type ${STAND_IN_CUSTOMERS[0]?.email} and click Copy portal link.
Admin CLI in another terminal:
  export RELAY_URL=${relayUrl} RELAY_ADMIN_TOKEN=${adminToken}
  npm run relay:admin -- audit
Ctrl-C stops the relay and the stand-in (their data is thrown away).
────────────────────────────────────────────────────────────────────────`);
} catch (error) {
  console.error(error.message);
  await stop(1);
}
