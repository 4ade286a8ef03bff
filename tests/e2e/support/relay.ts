/**
 * The team relay as an agent's browser meets it: `npm run relay:dev` (wrangler, workerd, local D1)
 * on a free loopback port, its provider calls pointed at a plain-HTTP Appstle stand-in, and the
 * admin CLI (`npm run relay:admin`) run as an administrator would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { APPSTLE_KEY, appstleToken, CUSTOMERS, SHOP } from '../../fixtures/mock-providers';
import type { Harness } from './extension';
import { spawnWithOutput } from './process';

export interface AppstleHttpMock {
  base: string;
  lookups: { path: string; email?: string; customerId?: string; apiKey?: string }[];
  close(): Promise<void>;
}

/** Appstle's token endpoints over HTTP on loopback (the relay allows a mock base there in dev only). */
export async function startAppstleHttpMock(): Promise<AppstleHttpMock> {
  const lookups: AppstleHttpMock['lookups'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const email = url.searchParams.get('email') ?? url.searchParams.get('emailId') ?? undefined;
    const customerId = url.searchParams.get('customerId') ?? undefined;
    const apiKey = req.headers['x-api-key'] as string | undefined;
    lookups.push({ path: url.pathname, email, customerId, apiKey });
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (apiKey !== APPSTLE_KEY) return send(401, { title: 'Unauthorized', status: 401 });
    const customer = CUSTOMERS.find((c) => (customerId ? c.id === customerId : c.email === email));
    if (!customer) return send(404, { title: 'Not Found', status: 404, detail: 'Customer not found' });
    const token = appstleToken(customer.id);
    if (url.pathname === '/api/external/v2/customer-portal-token') {
      return send(200, { customerId: Number(customer.id), token });
    }
    if (url.pathname === '/api/external/v2/manage-subscription-link') {
      return send(200, {
        manageSubscriptionLink: `https://${SHOP}/tools/recurring/customer_portal?token=${token}`,
        tokenExpirationTime: new Date(Date.now() + 2 * 3600_000).toISOString(),
      });
    }
    // Appstle's magic-link email (lib/providers/appstle/index.ts APPSTLE_EMAIL_ENDPOINT): a short text reply.
    if (url.pathname === '/api/external/v2/subscription-contracts-email-magic-link') {
      return send(200, 'Email triggered successfully.');
    }
    send(404, { title: 'Not Found', status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lookups,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A TCP port free on loopback right now (the relay and its inspector each need one). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Relay {
  url: string;
  adminToken: string;
  /** Runs `npm run relay:admin -- …args` (stdin for `store set`); resolves with its output. */
  admin(args: string[], stdin?: string): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

export async function startRelay(env: Record<string, string>, timeoutMs = 90_000): Promise<Relay> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'portal-link-relay-'));
  const { child, output } = spawnWithOutput('npm', ['run', 'relay:dev'], {
    env: {
      ...process.env,
      ...env,
      RELAY_PORT: String(port),
      RELAY_INSPECTOR_PORT: String(inspectorPort),
      RELAY_STATE_DIR: state,
    },
    detached: true, // its own process group: npm → node → wrangler → workerd all stop together
  });
  const deadline = Date.now() + timeoutMs;
  while (!/Ready on http/.test(output())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`relay:dev did not start:\n${output().slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const adminToken = /Admin token: (\S+)/.exec(output())?.[1] ?? '';
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    adminToken,
    output,
    admin: (args, stdin) =>
      new Promise((resolve, reject) => {
        const cli = spawnWithOutput('npm', ['run', '-s', 'relay:admin', '--', ...args], {
          env: { ...process.env, RELAY_URL: url, RELAY_ADMIN_TOKEN: adminToken },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        cli.child.stdin?.end(stdin ?? '');
        cli.child.on('exit', (code) =>
          code === 0 ? resolve(cli.output()) : reject(new Error(`relay:admin ${args[0]}: ${cli.output()}`)),
        );
      }),
    async stop() {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        });
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}

/** The Appstle store `acme` for `helpdeskHost`, its key on stdin as an administrator gives it. */
export async function addAppstleStore(relay: Relay, name: string, helpdeskHost: string): Promise<void> {
  const fields = ['--name', name, '--provider', 'appstle', '--helpdesk-hosts', helpdeskHost, '--store-domain', SHOP];
  await relay.admin(['store', 'set', 'acme', ...fields], `${APPSTLE_KEY}\n`);
}

/** Adds (or re-adds) an agent with `relay:admin agent add`; resolves with the enrollment code it prints last. */
export async function addAgent(relay: Relay, email: string): Promise<string> {
  return (await relay.admin(['agent', 'add', email])).trim().split('\n').at(-1) ?? '';
}

/** The settings page's sign-in (Provider → Team relay, Relay URL, Enrollment code, Sign in), once it names the agent. */
export async function signInToRelay(harness: Harness, relay: Relay, code: string, agent: string): Promise<Page> {
  const options = await harness.open('options.html');
  await options.getByLabel('Provider').selectOption({ label: 'Team relay' });
  await options.getByLabel('Relay URL').fill(relay.url);
  await options.getByLabel('Enrollment code').fill(code);
  await options.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => options.getByRole('status').textContent(), { timeout: 20_000 }).toBe(`Signed in as ${agent}`);
  return options;
}
