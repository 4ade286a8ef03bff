/**
 * `npm run relay:try` (relay/scripts/try.mjs) as an administrator runs it: the relay under wrangler dev
 * against the Appstle stand-in, a store and an agent made with the admin CLI, and the block printed
 * last. What it prints is enough to sign in and get a link over HTTP, as the extension does
 * (POST /v1/enroll with the code, POST /v1/links with the access token). Ctrl-C stops it all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { freePort } from './support/relay';

let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
});

it('prints the relay URL, the admin token and a code that signs in and gets a link', async () => {
  const port = await freePort();
  child = spawn(process.execPath, ['relay/scripts/try.mjs'], {
    env: { ...process.env, RELAY_PORT: String(port), RELAY_INSPECTOR_PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const started = Date.now();
  await expect.poll(() => output, { timeout: 60_000, interval: 200 }).toContain('Ctrl-C stops');
  console.log(`relay:try ready in ${Date.now() - started} ms`);

  // The block is the last thing printed, after wrangler's banner.
  const block = output.slice(output.lastIndexOf('Ready on http'));
  const url = /Relay URL:\s+(\S+)/.exec(block)?.[1];
  const adminToken = /Admin token:\s+(\S+)/.exec(block)?.[1] ?? '';
  const code = /Enrollment code:\s+(\S+)/.exec(block)?.[1] ?? '';
  expect(url).toBe(`http://127.0.0.1:${port}`);
  expect(adminToken.length).toBeGreaterThanOrEqual(32);
  expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
  expect(output.trimEnd().endsWith('─')).toBe(true);

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const enrolled = await post('/v1/enroll', { code });
  expect(enrolled.status).toBe(200);
  const { accessToken, agent } = (await enrolled.json()) as { accessToken: string; agent: { email: string } };
  expect(agent.email).toBe('agent@example.com');
  const linked = await post(
    '/v1/links',
    { storeId: 'demo', customer: { email: 'jane@example.com' }, action: 'copy' },
    accessToken,
  );
  expect(linked.status).toBe(200);
  const { url: link } = (await linked.json()) as { url: string };
  expect(new URL(link).host).toBe('demo-shop.myshopify.com');
  // A customer the stand-in does not know gets Appstle's 404, as with the real API.
  const unknown = await post(
    '/v1/links',
    { storeId: 'demo', customer: { email: 'nobody@example.com' }, action: 'copy' },
    accessToken,
  );
  expect(unknown.status).not.toBe(200);

  // Ctrl-C (SIGINT) stops the relay too: its port closes.
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
  await expect
    .poll(
      () =>
        fetch(`${url}/v1/stores`).then(
          () => 'open',
          () => 'closed',
        ),
      { timeout: 10_000 },
    )
    .toBe('closed');
}, 90_000);
