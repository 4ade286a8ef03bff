#!/usr/bin/env node
// `npm run relay:admin -- <command>`: the relay's admin CLI. Reads RELAY_URL and RELAY_ADMIN_TOKEN from
// the environment; a store's API key is read from standard input, never from the command line.
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run relay:admin -- <command>
  agent add <email> [--stores <id1,id2> | --all-stores]
                                           prints a one-time enrollment code (last line); without
                                           either flag an existing agent keeps their stores
  agent remove <email> [--revoke-links]    ends their sessions; their next request is refused; the
                                           lasting links they sent keep working unless --revoke-links
  agent list                               email, stores, last seen, active sessions
  store set <id> --name <name> --provider <provider> --helpdesk-hosts <h1,h2>
            [--<provider field> <value> …]   (API key on stdin)
  store providers                          the providers and their fields (as flags)
  store list                               id, name, provider, helpdesk hosts, remembered portal host
  store forget-host <id>                   forgets the remembered portal host (re-saving does too):
                                           the store's next link's host is learned afresh
  store remove <id>                        deletes the store and its encrypted key
  store reseal                             re-encrypts every key under the current KEYS_SECRET
  audit [--since <ISO time>] [--format csv|json]
  link list [--agent <email>] [--customer <email>]
  link revoke <id-prefix | link URL>       the id prefix is the one \`link list\` shows
  link revoke --customer <email>           every lasting link sent to that customer
  link days <store-id> <1-30>              how long the store's new lasting links work (default 7)
Environment: RELAY_URL, RELAY_ADMIN_TOKEN`;

function fail(message) {
  console.error(message);
  process.exit(1);
}

const base = process.env.RELAY_URL;
const token = process.env.RELAY_ADMIN_TOKEN;
if (!base || !token) fail(`RELAY_URL and RELAY_ADMIN_TOKEN must be set.\n\n${USAGE}`);

/** A store field's flag: `storeDomain` → `store-domain`. */
const flagOf = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** The providers and their own store fields, as the relay describes them (nothing here names one). */
async function providers() {
  return JSON.parse(await api('GET', '/admin/providers')).providers;
}
const [first, second] = process.argv.slice(2);
const known = first === 'store' && second === 'set' ? await providers() : [];
const fieldFlags = Object.fromEntries(known.flatMap((p) => p.fields.map((f) => [flagOf(f.key), { type: 'string' }])));

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    ...fieldFlags,
    stores: { type: 'string' },
    'all-stores': { type: 'boolean' },
    name: { type: 'string' },
    provider: { type: 'string' },
    'helpdesk-hosts': { type: 'string' },
    since: { type: 'string' },
    format: { type: 'string' },
    agent: { type: 'string' },
    customer: { type: 'string' },
    'revoke-links': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || positionals.length === 0) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 1);
}

async function api(method, path, body) {
  let response;
  try {
    response = await fetch(new URL(path, base), {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    fail(`Cannot reach the relay at ${base}: ${error.cause?.code ?? error.message}`);
  }
  const text = await response.text();
  if (!response.ok) fail(`The relay answered ${response.status}: ${text}`);
  return text;
}

async function readStdin() {
  if (process.stdin.isTTY) console.error('Paste the API key, then press Enter and Ctrl-D:');
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').trim();
}

const COMMON_FLAGS = new Set(['name', 'provider', 'helpdesk-hosts']);

const list = (v) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
const [group, verb, subject] = positionals;

if (group === 'agent' && verb === 'add' && subject) {
  // --stores limits the agent; --all-stores lifts a limit; neither keeps an existing agent's stores.
  const stores = values['all-stores'] ? null : list(values.stores);
  const reply = JSON.parse(await api('POST', '/admin/agents', { email: subject, stores }));
  console.log(`Agent ${reply.email} can sign in once with this code before ${reply.expiresAt}:`);
  console.log(reply.enrollmentCode);
} else if (group === 'agent' && verb === 'remove' && subject) {
  await api('DELETE', `/admin/agents/${encodeURIComponent(subject)}`);
  console.log(`Removed ${subject}: their next request is refused.`);
  if (values['revoke-links']) {
    const reply = JSON.parse(await api('POST', '/admin/lasting-links/revoke', { agent: subject }));
    console.log(`Revoked ${reply.revoked} lasting link(s) they sent.`);
  } else {
    console.log('Lasting links they already sent keep working (add --revoke-links to end them).');
  }
} else if (group === 'agent' && verb === 'list') {
  const { agents } = JSON.parse(await api('GET', '/admin/agents'));
  console.log('email\tstores\tlast seen\tactive sessions');
  for (const a of agents) {
    const stores = a.stores ? a.stores.join(',') : 'all';
    const seen = a.lastSeen ?? 'never';
    console.log(`${a.email}${a.removed ? ' (removed)' : ''}\t${stores}\t${seen}\t${a.activeSessions}`);
  }
} else if (group === 'store' && verb === 'remove' && subject) {
  await api('DELETE', `/admin/stores/${encodeURIComponent(subject)}`);
  console.log(`Removed store ${subject}: its links are refused from now on.`);
} else if (group === 'store' && verb === 'set' && subject) {
  if (!values.name || !values.provider || !values['helpdesk-hosts']) fail(USAGE);
  const provider = known.find((p) => p.id === values.provider);
  if (!provider) fail(`Unknown provider ${values.provider}: \`store providers\` lists them.`);
  const fields = Object.fromEntries(provider.fields.map((f) => [flagOf(f.key), f.key]));
  const unknown = Object.keys(values).filter((flag) => !(flag in fields) && !COMMON_FLAGS.has(flag));
  if (unknown.length > 0) fail(`${provider.label} has no field --${unknown.join(', --')}.\n\n${USAGE}`);
  const apiKey = await readStdin();
  if (!apiKey) fail('No API key on standard input.');
  const store = {
    name: values.name,
    provider: provider.id,
    helpdeskHosts: list(values['helpdesk-hosts']),
    apiKey,
    ...Object.fromEntries(Object.entries(fields).flatMap(([flag, key]) => (values[flag] ? [[key, values[flag]]] : []))),
  };
  const reply = JSON.parse(await api('PUT', `/admin/stores/${encodeURIComponent(subject)}`, store));
  console.log(
    `Store ${reply.store.id} (${reply.store.name}, ${reply.store.provider}) saved; its key is stored encrypted.`,
  );
} else if (group === 'store' && verb === 'providers') {
  for (const p of await providers()) {
    const flags = p.fields.map((f) => `--${flagOf(f.key)}${f.options ? ` ${f.options.join('|')}` : ''}`);
    console.log(`${p.id}\t${p.label}\t${flags.join(' ')}`);
  }
} else if (group === 'store' && verb === 'reseal') {
  const reply = JSON.parse(await api('POST', '/admin/stores/reseal'));
  console.log(`${reply.resealed} store key(s) now sealed under the current KEYS_SECRET.`);
} else if (group === 'store' && verb === 'list') {
  for (const s of JSON.parse(await api('GET', '/admin/stores')).stores) {
    console.log(`${s.id}\t${s.name}\t${s.provider}\t${s.helpdeskHosts.join(',')}\t${s.portalHost ?? '-'}`);
  }
} else if (group === 'store' && verb === 'forget-host' && subject) {
  await api('DELETE', `/admin/stores/${encodeURIComponent(subject)}/portal-host`);
  console.log(`Store ${subject}: portal host forgotten; the next link's host is remembered.`);
} else if (group === 'audit') {
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') fail('--format is csv or json');
  const query = new URLSearchParams({ format, ...(values.since ? { since: values.since } : {}) });
  const text = await api('GET', `/admin/audit?${query}`);
  process.stdout.write(format === 'json' ? `${JSON.stringify(JSON.parse(text).rows, null, 2)}\n` : text);
} else if (group === 'link' && verb === 'list') {
  const query = new URLSearchParams({
    ...(values.agent ? { agent: values.agent } : {}),
    ...(values.customer ? { customer: values.customer } : {}),
  });
  const { links } = JSON.parse(await api('GET', `/admin/lasting-links?${query}`));
  console.log('id\tstore\tcustomer\tagent\tcreated\texpires\tstate');
  for (const l of links) {
    const state = l.revokedAt ? 'revoked' : Date.parse(l.expiresAt) <= Date.now() ? 'expired' : 'active';
    console.log([l.id, l.store, l.customer, l.agent, l.createdAt, l.expiresAt, state].join('\t'));
  }
} else if (group === 'link' && verb === 'revoke' && (subject || values.customer)) {
  const body = values.customer ? { customer: values.customer } : { id: subject };
  const reply = JSON.parse(await api('POST', '/admin/lasting-links/revoke', body));
  if (reply.revoked === 0) fail('No active lasting link matched.');
  console.log(`Revoked ${reply.revoked} lasting link(s): they now show the "no longer valid" page.`);
} else if (group === 'link' && verb === 'days' && subject && positionals[3]) {
  const reply = JSON.parse(
    await api('PUT', `/admin/lasting-links/stores/${encodeURIComponent(subject)}`, {
      lastingLinkDays: Number(positionals[3]),
    }),
  );
  console.log(`New lasting links for ${reply.store} work for ${reply.lastingLinkDays} day(s).`);
} else {
  fail(USAGE);
}
