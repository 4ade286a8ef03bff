import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { vi } from 'vitest';

export const ADMIN = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
export const APPSTLE_KEY = 'appstle-secret-key-7f3a9c1e5b';
export const GIGSTACK_KEY = 'gigstack-secret-key-2d8e4a6c0f';
export const SHOP = 'acme.myshopify.com';

export interface Call {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  ip?: string;
}

export async function call(path: string, { method, body, token, headers = {}, ip = '203.0.113.9' }: Call = {}) {
  const response = await exports.default.fetch(
    new Request(`https://relay.example.test${path}`, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: {
        'content-type': 'application/json',
        'cf-connecting-ip': ip,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: each test asserts the shape it expects
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function addAgent(email: string, stores?: string[] | null): Promise<string> {
  const r = await call('/admin/agents', { body: { email, stores }, headers: ADMIN });
  if (r.status !== 200) throw new Error(`agent add: ${r.status} ${r.text}`);
  return r.json.enrollmentCode;
}

export async function setStore(id: string, store: Record<string, unknown> = {}) {
  const r = await call(`/admin/stores/${id}`, {
    method: 'PUT',
    headers: ADMIN,
    body: {
      name: 'Acme',
      provider: 'appstle',
      apiKey: APPSTLE_KEY,
      helpdeskHosts: [`${id}.zendesk.com`],
      storeDomain: SHOP,
      ...store,
    },
  });
  if (r.status !== 200) throw new Error(`store set: ${r.status} ${r.text}`);
  return r;
}

export async function signIn(email: string, stores?: string[] | null) {
  const code = await addAgent(email, stores);
  const r = await call('/v1/enroll', { body: { code } });
  if (r.status !== 200) throw new Error(`enroll: ${r.status} ${r.text}`);
  return r.json as { accessToken: string; refreshToken: string; expiresIn: number; agent: { email: string } };
}

/** Every audit row: link requests, sign-ins, refreshes, sign-outs and refused store lists. */
export async function auditAll(): Promise<Record<string, string | null>[]> {
  return (await call('/admin/audit?format=json', { headers: ADMIN })).json.rows;
}

const SESSION_ACTIONS = new Set(['enroll', 'refresh', 'signout', 'stores']);

/** The link requests' rows only (the sign-in rows of each test's setup left out). */
export async function audit(): Promise<Record<string, string | null>[]> {
  return (await auditAll()).filter((row) => !SESSION_ACTIONS.has(row.action ?? ''));
}

/** An Appstle token the way Appstle issues them: a JWT whose payload names the shop. */
export function appstleToken(shop = SHOP): string {
  const payload = btoa(JSON.stringify({ shop, timestamp: Date.now() }))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.c2lnbmF0dXJl`;
}

export type MockReply = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Stands in for Appstle/gigstack: every outbound fetch from the relay lands here (no network in tests).
 * The default answers with a fresh portal link for any of Appstle's link endpoints.
 */
export function mockProvider(reply?: (url: URL, init: RequestInit | undefined) => MockReply) {
  const seen: { url: URL; init: RequestInit | undefined }[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.push({ url, init });
    const answer = reply?.(url, init) ?? defaultReply(url);
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  });
  return { spy, seen };
}

function defaultReply(url: URL): MockReply {
  const token = appstleToken();
  if (url.pathname.endsWith('/manage-subscription-link')) {
    return {
      status: 200,
      body: {
        manageSubscriptionLink: `https://${SHOP}/tools/recurring/customer_portal?token=${token}`,
        tokenExpirationTime: new Date(Date.now() + 3_600_000).toISOString(),
      },
    };
  }
  if (url.pathname.endsWith('/customer-portal-token')) return { status: 200, body: { customerId: 1, token } };
  if (url.pathname.endsWith('/subscription-contracts-email-magic-link')) {
    return { status: 200, body: 'Email triggered successfully.' };
  }
  return { status: 404, body: { message: 'not found' } };
}
