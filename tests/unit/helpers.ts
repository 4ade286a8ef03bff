/** Shared fakes for the unit tests: a fake clock + scripted fetch, JWTs, stores and an in-memory link cache. */

import type { LinkCache } from '../../lib/background/link-service';
import { type AppstleStore, appstleStoreSchema } from '../../lib/providers/appstle/settings';
import { type GigstackStore, gigstackStoreSchema } from '../../lib/providers/gigstack/settings';
import type { HttpDeps } from '../../lib/providers/http';
import type { Store } from '../../lib/providers/registry';
import type { EffectiveSettings, Settings } from '../../lib/settings/schema';
import { type Sealer, sealer } from '../../lib/settings/sealing';
import type { Send } from '../../lib/shared/messaging-client';
import type { Request, RuntimeType } from '../../lib/shared/protocol';

/** 2025-11-26T14:00:00.000Z: a whole second, so HTTP dates round-trip exactly. */
export const NOW = Date.UTC(2025, 10, 26, 14, 0, 0);

export const APPSTLE_KEY = 'apst_live_SECRET_7f3a9c2e1b';
export const GIGSTACK_KEY = 'gs_live_SECRET_0d4e8b6a5f';

export interface FetchCall {
  url: string;
  init: RequestInit;
  at: number;
}

/** One scripted fetch outcome: a response, a rejection, or a function computing either. */
export type Step = Response | Error | ((call: FetchCall, http: FakeHttp) => Response | Promise<Response>);

export interface FakeHttp extends HttpDeps {
  calls: FetchCall[];
  sleeps: number[];
  clock: { now: number };
  /** Remaining scripted steps. */
  script: Step[];
  setOnline(value: boolean): void;
}

export interface FakeHttpOptions {
  now?: number;
  online?: boolean;
  random?: () => number;
  /** Milliseconds each fetch takes on the fake clock. */
  fetchMs?: number;
}

/**
 * HttpDeps with a fake clock (sleep advances `now`, never waits) and a fetch that plays `script`
 * in order; once the script runs out, the last step repeats.
 */
export function fakeHttp(script: Step[], options: FakeHttpOptions = {}): FakeHttp {
  let online = options.online ?? true;
  const clock = { now: options.now ?? NOW };
  const http: FakeHttp = {
    calls: [],
    sleeps: [],
    clock,
    script: [...script],
    setOnline(value) {
      online = value;
    },
    now: () => clock.now,
    random: options.random ?? (() => 0.5),
    online: () => online,
    sleep: async (ms) => {
      http.sleeps.push(ms);
      clock.now += Math.ceil(ms); // like Date.now(), the fake clock stays in whole milliseconds
    },
    fetch: async (input, init) => {
      const call: FetchCall = { url: String(input), init: init ?? {}, at: clock.now };
      http.calls.push(call);
      clock.now += options.fetchMs ?? 0;
      const step = http.script.length > 1 ? http.script.shift() : http.script[0];
      if (step === undefined) throw new Error('fakeHttp: no scripted response');
      if (step instanceof Error) throw step;
      if (typeof step === 'function') return step(call, http);
      return fresh(step);
    },
  };
  return http;
}

/**
 * A new, untee'd copy of a scripted response (a scripted step may repeat). Not `clone()`: cancelling
 * one branch of a tee'd stream waits for the other branch, which the script never reads.
 */
async function fresh(response: Response): Promise<Response> {
  const nullBody = [101, 204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : await response.clone().arrayBuffer(), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function text(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers });
}

export function status(code: number, headers: Record<string, string> = {}): Response {
  return new Response(code === 204 ? null : '', { status: code, headers });
}

export function base64url(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

export function makeJwt(payload: unknown): string {
  return `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;
}

export function appstleToken(overrides: Record<string, unknown> = {}, now = NOW): string {
  return makeJwt({ customerId: 12345, shop: 'acme-shop.myshopify.com', timestamp: now, ...overrides });
}

export function appstleStore(overrides: Partial<AppstleStore> = {}): AppstleStore {
  return appstleStoreSchema.parse({
    id: 'appstle-1',
    name: 'Acme Appstle',
    provider: 'appstle',
    apiKey: APPSTLE_KEY,
    helpdeskHosts: ['acme.zendesk.com'],
    // The token mode most provider tests exercise; Appstle's own link has its own tests.
    linkType: 'token',
    ...overrides,
  });
}

export function gigstackStore(overrides: Partial<GigstackStore> = {}): GigstackStore {
  return gigstackStoreSchema.parse({
    id: 'gigstack-1',
    name: 'Beta Facturas',
    provider: 'gigstack',
    apiKey: GIGSTACK_KEY,
    helpdeskHosts: ['beta.gorgias.com'],
    ...overrides,
  });
}

export function gigstackReply(data: Record<string, unknown> = {}): Response {
  return json({
    message: 'Portal session created',
    data: {
      url: 'https://portal.gigstack.io/session/abc123',
      expires_at: NOW + 5 * 24 * 3600 * 1000,
      session_id: 'sess_1',
      ...data,
    },
  });
}

export interface MemoryCache extends LinkCache {
  map: Map<string, unknown>;
  sets: string[];
}

export function memoryCache(initial: Record<string, unknown> = {}): MemoryCache {
  const map = new Map<string, unknown>(Object.entries(initial));
  let generation = 0;
  const cache: MemoryCache = {
    map,
    sets: [],
    get: async (key) => map.get(key),
    set: async (key, value, writtenFor) => {
      if (writtenFor !== generation) return;
      cache.sets.push(key);
      map.set(key, value);
    },
    generation: () => generation,
    invalidate: async () => {
      generation += 1;
      for (const key of [...map.keys()]) if (key.startsWith('link:')) map.delete(key);
    },
    forget: (keys) => {
      for (const key of keys) map.delete(key);
    },
  };
  return cache;
}

export function settingsOf(...stores: Settings['stores']): Settings {
  return { stores };
}

/** Headers of a recorded fetch call as a plain lowercase-keyed object. */
export function headersOf(call: FetchCall | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(call?.init.headers).entries());
}

/** Every string representation an error could leak through. */
export function everyTextOf(error: unknown): string {
  const parts: string[] = [String(error)];
  if (error instanceof Error) parts.push(error.message, error.stack ?? '');
  try {
    parts.push(JSON.stringify(error));
  } catch {
    // circular: the other forms suffice
  }
  if (typeof error === 'object' && error !== null) parts.push(JSON.stringify({ ...error }));
  return parts.join('\n');
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** A `Send` over a mock that takes whole messages (`{ type, ...fields }`), as the wire carries them. */
export function sendVia(mock: (request: Request) => Promise<unknown>): Send {
  return ((type: RuntimeType, fields?: object) => mock({ ...fields, type } as Request)) as Send;
}

/** A real AES-GCM sealer with a key made for the test (the extension keeps its key in IndexedDB). */
export function testSealer(): Sealer {
  const key = crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  return sealer(() => key);
}

/** Stores as the background acts on them: the agent's own (key in this browser). */
export function own<S extends Store>(store: S): S & { keySource: 'browser' } {
  return { ...store, keySource: 'browser' };
}
export function ownSettings(settings: Settings): EffectiveSettings {
  return { ...settings, stores: settings.stores.map(own) };
}
