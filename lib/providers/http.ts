/**
 * The one HTTP path to providers: a single time budget for the whole call (retries included),
 * retries with backoff + jitter on 429/5xx for idempotent requests, Retry-After honoured when it
 * fits the budget. Errors leave as PortalLinkError; callers map statuses to meaning.
 */
import { PortalLinkError } from '../shared/error-codes';

export interface HttpDeps {
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Whether the browser believes it is online; used to tell "offline" from "provider unreachable". */
  online: () => boolean;
}

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Retry 5xx too (idempotent requests only). 429 with Retry-After is always retryable. */
  idempotent: boolean;
  /** A request with effects outside (it sends mail): one attempt, whatever the answer. */
  once?: boolean;
  provider: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export const BUDGET_MS = 10_000;
export const MAX_RETRIES = 2;
const BASE_BACKOFF_MS = 300;
/** Bodies larger than this are not a token reply; reading them would only waste memory. */
export const MAX_BODY_BYTES = 256 * 1024;

export const defaultHttpDeps = (): HttpDeps => ({
  fetch: (...args) => globalThis.fetch(...args),
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  online: () => globalThis.navigator?.onLine ?? true,
});

/** Retry-After as seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

export function backoffMs(attempt: number, random: () => number): number {
  const base = BASE_BACKOFF_MS * 2 ** attempt;
  return base / 2 + random() * base; // "equal jitter": never zero, never in lockstep with other clients
}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    return '';
  }
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return '';
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

export async function request(req: HttpRequest, deps: HttpDeps): Promise<HttpResponse> {
  const deadline = deps.now() + BUDGET_MS;
  const context = { provider: req.provider };
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - deps.now();
    if (remaining <= 0) throw new PortalLinkError('timeout', context);
    let response: HttpResponse;
    try {
      const raw = await deps.fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: AbortSignal.timeout(remaining),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'error',
      });
      response = { status: raw.status, headers: raw.headers, text: await readLimited(raw) };
    } catch (error) {
      if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new PortalLinkError('timeout', context);
      }
      throw new PortalLinkError(deps.online() ? 'provider-down' : 'offline', context);
    }

    const { status } = response;
    const retryable = !req.once && (status === 429 || (status >= 500 && req.idempotent));
    if (!retryable) return response;

    const retryAfterS = parseRetryAfter(response.headers.get('retry-after'), deps.now());
    const failure = () =>
      status === 429
        ? new PortalLinkError('rate-limited', { ...context, retryAfterS })
        : new PortalLinkError('provider-down', context);
    // A POST may have had effects on a 5xx; only a 429 with Retry-After says "not processed, come back".
    if (!req.idempotent && retryAfterS === undefined) throw failure();
    if (attempt >= MAX_RETRIES) throw failure();
    const waitMs = retryAfterS !== undefined ? retryAfterS * 1000 : backoffMs(attempt, deps.random);
    if (deps.now() + waitMs >= deadline) throw failure();
    await deps.sleep(waitMs);
  }
}

/** Every explanation in an error body: RFC 7807 detail/title, `{message, error}`, `{error: {message}}`. */
export function problemMessages(text: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof body !== 'object' || body === null) return [];
  const record = body as Record<string, unknown>;
  const nested = record.error;
  const candidates = [
    record.detail, // RFC 7807
    record.title,
    record.message,
    typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>).message : nested,
  ];
  return candidates
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
    .map((value) => value.slice(0, 200));
}

/** What a non-2xx status means to an agent; a 400 whose body says "not found" is treated as such. */
export function errorForStatus(response: HttpResponse, provider: string): PortalLinkError {
  const { status } = response;
  const context = { provider };
  if (status === 401 || status === 403) return new PortalLinkError('key-rejected', context);
  if (status === 404) return new PortalLinkError('customer-not-found', context);
  if (status === 429) return new PortalLinkError('rate-limited', context);
  if (status >= 500) return new PortalLinkError('provider-down', context);
  if (status === 400 || status === 422) {
    const detail = problemMessages(response.text).join(' · ');
    const notFound = /not\s*found|no\s+customer|does\s*n[o']t\s+exist|unknown\s+customer/i.test(detail);
    return new PortalLinkError(notFound ? 'customer-not-found' : 'bad-request', context);
  }
  return new PortalLinkError('bad-response', context);
}

/** Parses a 2xx body as JSON; anything else is a bad response. */
export function jsonBody(response: HttpResponse, provider: string): unknown {
  try {
    return JSON.parse(response.text);
  } catch {
    throw new PortalLinkError('bad-response', { provider });
  }
}
