#!/usr/bin/env node
// `npm run relay:dev`: the relay on loopback with a local D1 (migrations applied) and dev secrets.
// Creates relay/.dev.vars with random secrets when missing and prints the admin token.
// RELAY_PORT (default 8787) picks the port, RELAY_INSPECTOR_PORT the devtools port (default 9229);
// RELAY_STATE_DIR keeps local D1/DO data elsewhere;
// APPSTLE_API_BASE / GIGSTACK_API_BASE point provider calls at a local mock.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const varsFile = join(root, '.dev.vars');
const port = process.env.RELAY_PORT ?? '8787';
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_UPDATE_NOTIFIER: '1' };
const persist = process.env.RELAY_STATE_DIR ? ['--persist-to', process.env.RELAY_STATE_DIR] : [];

if (!existsSync(varsFile)) {
  const lines = [
    '# Local secrets for `npm run relay:dev` (generated; never commit). Production uses `wrangler secret put`.',
    `ADMIN_TOKEN=${randomBytes(32).toString('base64url')}`,
    `TOKEN_SECRET=${randomBytes(48).toString('base64url')}`,
    `KEYS_SECRET=${randomBytes(32).toString('base64')}`,
  ];
  // Written aside, then linked into place: link fails if the file exists, so when several relays
  // start at once (e2e files run in parallel) the first one's secrets win and every one reads them.
  const draft = `${varsFile}.${process.pid}`;
  writeFileSync(draft, `${lines.join('\n')}\n`, { mode: 0o600 });
  try {
    linkSync(draft, varsFile);
    console.log(`Created ${varsFile} with random secrets.`);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
}
const adminToken = /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(varsFile, 'utf8'))?.[1];

const migrate = spawnSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', ...persist], {
  cwd: root,
  env: { ...env, CI: 'true' }, // CI=true: apply without asking
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

// RELAY_DEV=1 tells the Worker it runs here, under this script: only then, and only when reached on
// loopback, does it honour the provider base-URL overrides (a deployed Worker refuses links with them).
// Any <PROVIDER>_API_BASE (APPSTLE_API_BASE, GIGSTACK_API_BASE, …) is passed on, and so are the limits
// (npm run bench:relay asks for many links from one agent and one IP).
const limits = [
  'LIMIT_PER_MINUTE',
  'LIMIT_PER_DAY',
  'LASTING_OPENS_PER_DAY',
  'LASTING_VIEWS_PER_HOUR',
  'LASTING_IP_PER_MINUTE',
];
const vars = Object.keys(process.env)
  .filter((name) => (/^[A-Z0-9]+_API_BASE$/.test(name) || limits.includes(name)) && process.env[name])
  .flatMap((name) => ['--var', `${name}:${process.env[name]}`]);
vars.push('--var', 'RELAY_DEV:1');
// Two relays on one machine (e2e files run in parallel) would both want the devtools port 9229.
const inspector = process.env.RELAY_INSPECTOR_PORT ? ['--inspector-port', process.env.RELAY_INSPECTOR_PORT] : [];
const dev = spawn(
  wrangler,
  ['dev', '--ip', '127.0.0.1', '--port', port, '--local', ...inspector, ...persist, ...vars],
  {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
console.log(`\nRelay: http://127.0.0.1:${port}`);
console.log(`Admin token: ${adminToken}`);
console.log(`export RELAY_URL=http://127.0.0.1:${port} RELAY_ADMIN_TOKEN=${adminToken}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => process.exit(code ?? 0));
