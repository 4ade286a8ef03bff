import { describe, expect, it, vi } from 'vitest';
import {
  BUDGET_MS,
  backoffMs,
  defaultHttpDeps,
  errorForStatus,
  type HttpRequest,
  type HttpResponse,
  jsonBody,
  MAX_BODY_BYTES,
  MAX_RETRIES,
  parseRetryAfter,
  problemMessages,
  request,
} from '../../lib/providers/http';
import { type ErrorCode, PortalLinkError } from '../../lib/shared/error-codes';
import { errorInfo } from '../../lib/shared/errors';
import { APPSTLE_KEY, everyTextOf, fakeHttp, json, NOW, rejectionOf, type Step, status, text } from './helpers';

const GET: HttpRequest = {
  url: 'https://subscription-admin.appstle.com/api/external/v2/customer-portal-token?customerId=1',
  method: 'GET',
  headers: { 'X-API-Key': APPSTLE_KEY },
  idempotent: true,
  provider: 'Appstle',
};
const POST: HttpRequest = {
  url: 'https://api.gigstack.io/v2/clients/customerportal',
  method: 'POST',
  headers: { Authorization: `Bearer ${APPSTLE_KEY}`, 'Content-Type': 'application/json' },
  body: '{"email":"jane@example.com"}',
  idempotent: false,
  provider: 'gigstack',
};

async function failure(req: HttpRequest, script: Step[], options: Parameters<typeof fakeHttp>[1] = {}) {
  const http = fakeHttp(script, options);
  const error = await rejectionOf(request(req, http));
  expect(error).toBeInstanceOf(PortalLinkError);
  return { http, error: error as PortalLinkError };
}

function responseOf(statusCode: number, body = '', headers: Record<string, string> = {}): HttpResponse {
  return { status: statusCode, headers: new Headers(headers), text: body };
}

describe('constants', () => {
  it('has a 10 s budget, 2 retries and a 256 KiB body cap', () => {
    expect(BUDGET_MS).toBe(10_000);
    expect(MAX_RETRIES).toBe(2);
    expect(MAX_BODY_BYTES).toBe(256 * 1024);
  });
});

describe('parseRetryAfter', () => {
  const httpDate = (offsetS: number) => new Date(NOW + offsetS * 1000).toUTCString();
  it.each<[string, string | null, number | undefined]>([
    ['absent', null, undefined],
    ['zero seconds', '0', 0],
    ['seconds', '5', 5],
    ['padded seconds', '  7 ', 7],
    ['fractional seconds', '1.5', 1.5],
    ['large seconds', '86400', 86400],
    ['HTTP date 3 s ahead', httpDate(3), 3],
    ['HTTP date 90 s ahead', httpDate(90), 90],
    ['HTTP date now', httpDate(0), 0],
    ['HTTP date in the past', httpDate(-60), 0],
    ['RFC 850 date', 'Wednesday, 26-Nov-25 14:00:30 GMT', 30],
    ['empty', '', undefined],
    ['blank', '   ', undefined],
    ['negative', '-1', undefined],
    ['signed', '+5', undefined],
    ['with unit', '5s', undefined],
    ['exponent', '1e3', undefined],
    ['word', 'soon', undefined],
    ['two numbers', '5, 10', undefined],
    ['garbage date', 'Wed, 99 Foo 2025 99:99:99 GMT', undefined],
  ])('%s (%j) → %s', (_label, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('backoffMs', () => {
  it.each([
    [0, 0, 150],
    [0, 0.5, 300],
    [0, 0.999, 449.7],
    [1, 0, 300],
    [1, 0.5, 600],
    [2, 0, 600],
    [2, 0.5, 1200],
  ])('attempt %i with random %f → %f ms', (attempt, random, expected) => {
    expect(backoffMs(attempt, () => random)).toBeCloseTo(expected, 6);
  });

  it.each([0, 1, 2])('attempt %i is never zero and grows with the attempt (equal jitter)', (attempt) => {
    const base = 300 * 2 ** attempt;
    for (const r of [0, 0.25, 0.5, 0.75, 0.9999]) {
      const wait = backoffMs(attempt, () => r);
      expect(wait).toBeGreaterThanOrEqual(base / 2);
      expect(wait).toBeLessThan(base * 1.5);
    }
  });
});

describe('request: the happy path', () => {
  it('returns status, headers and text, with safe fetch options', async () => {
    const http = fakeHttp([json({ token: 't' }, 200, { 'x-request-id': 'r1' })]);
    const response = await request(GET, http);
    expect(response.status).toBe(200);
    expect(response.text).toBe('{"token":"t"}');
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(http.calls).toHaveLength(1);
    const init = http.calls[0]?.init;
    expect(http.calls[0]?.url).toBe(GET.url);
    expect(init).toMatchObject({
      method: 'GET',
      headers: GET.headers,
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    });
    expect(init?.signal).toBeInstanceOf(AbortSignal);
    expect(init?.body).toBeUndefined();
    expect(http.sleeps).toEqual([]);
  });

  it('sends the POST body', async () => {
    const http = fakeHttp([json({})]);
    await request(POST, http);
    expect(http.calls[0]?.init).toMatchObject({ method: 'POST', body: POST.body });
  });

  it.each([
    ['UTF-8 text', 'José Núñez ✓ 顧客', 'José Núñez ✓ 顧客'],
    ['empty body', '', ''],
    ['HTML', '<html><body>Bad gateway</body></html>', '<html><body>Bad gateway</body></html>'],
  ])('reads %s', async (_label, body, expected) => {
    const http = fakeHttp([text(body)]);
    expect((await request(GET, http)).text).toBe(expected);
  });

  it('reads a body exactly at the cap', async () => {
    const body = 'x'.repeat(MAX_BODY_BYTES);
    expect((await request(GET, fakeHttp([text(body)]))).text).toBe(body);
  });

  it('drops a streamed body over the cap (no content-length)', async () => {
    const response = await request(GET, fakeHttp([text('x'.repeat(MAX_BODY_BYTES + 1))]));
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
  });

  it('drops a body over the cap streamed in many chunks', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(120);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await request(GET, fakeHttp([() => new Response(stream)]));
    expect(response.text).toBe('');
    expect(sent).toBeLessThan(10); // stopped reading early
  });

  it('does not read a body whose declared length is over the cap', async () => {
    let pulled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled = true;
          controller.enqueue(new TextEncoder().encode('{"token":"t"}'));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const raw = () => new Response(stream, { headers: { 'content-length': String(MAX_BODY_BYTES + 1) } });
    const response = await request(GET, fakeHttp([raw]));
    expect(response.text).toBe('');
    expect(pulled).toBe(false);
  });

  it('treats a null body as empty text', async () => {
    expect((await request(GET, fakeHttp([status(204)]))).text).toBe('');
  });

  it('maps a body stream that fails mid-read to provider-down', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"tok'));
        controller.error(new TypeError('terminated'));
      },
    });
    const { error, http } = await failure(GET, [() => new Response(stream)]);
    expect(error.code).toBe('provider-down');
    expect(http.calls).toHaveLength(1);
  });
});

describe('request: 4xx are never retried', () => {
  it.each([400, 401, 403, 404, 405, 409, 410, 413, 422])('GET %i is returned after one call', async (code) => {
    const http = fakeHttp([json({ error: 'x' }, code, { 'retry-after': '1' }), json({ token: 't' })]);
    const response = await request(GET, http);
    expect(response.status).toBe(code);
    expect(http.calls).toHaveLength(1);
    expect(http.sleeps).toEqual([]);
  });

  it.each([400, 401, 403, 404, 422])('POST %i is returned after one call', async (code) => {
    const http = fakeHttp([json({ error: 'x' }, code), json({})]);
    expect((await request(POST, http)).status).toBe(code);
    expect(http.calls).toHaveLength(1);
  });
});

describe('request: 5xx', () => {
  it.each([500, 502, 503, 504, 599])('GET %i is retried twice with backoff, then provider-down', async (code) => {
    const { error, http } = await failure(GET, [status(code)]);
    expect(error.code).toBe('provider-down');
    expect(error.context.provider).toBe('Appstle');
    expect(http.calls).toHaveLength(1 + MAX_RETRIES);
    // random() = 0.5: 300 * 2^attempt, equal jitter → 300 then 600.
    expect(http.sleeps).toEqual([300, 600]);
    expect(http.calls.map((c) => c.at)).toEqual([NOW, NOW + 300, NOW + 900]);
  });

  it.each([
    [[status(503), json({ ok: 1 })], 2, [300]],
    [[status(500), status(502), json({ ok: 1 })], 3, [300, 600]],
  ])('GET recovers when a retry succeeds (%#)', async (script, calls, sleeps) => {
    const http = fakeHttp(script);
    const response = await request(GET, http);
    expect(response.status).toBe(200);
    expect(http.calls).toHaveLength(calls);
    expect(http.sleeps).toEqual(sleeps);
  });

  it('uses jitter from the injected random()', async () => {
    const values = [0, 0.99];
    const http = fakeHttp([status(503)], { random: () => values.shift() ?? 0 });
    const error = await rejectionOf(request(GET, http));
    expect((error as PortalLinkError).code).toBe('provider-down');
    expect(http.calls).toHaveLength(3);
    expect(http.sleeps[0]).toBeCloseTo(150, 6);
    expect(http.sleeps[1]).toBeCloseTo(300 + 0.99 * 600, 6);
  });

  it('honours Retry-After on a GET 503', async () => {
    const http = fakeHttp([status(503, { 'retry-after': '2' }), json({})]);
    expect((await request(GET, http)).status).toBe(200);
    expect(http.sleeps).toEqual([2000]);
  });

  it('fails at once with provider-down when a 503 Retry-After is over the budget', async () => {
    const { error, http } = await failure(GET, [status(503, { 'retry-after': '60' })]);
    expect(error.code).toBe('provider-down');
    expect(http.calls).toHaveLength(1);
    expect(http.sleeps).toEqual([]);
  });

  it.each([500, 502, 503, 504])('POST %i is not retried (it may have had effects)', async (code) => {
    const http = fakeHttp([status(code), json({})]);
    const response = await request(POST, http);
    expect(response.status).toBe(code);
    expect(http.calls).toHaveLength(1);
    expect(http.sleeps).toEqual([]);
  });

  it('POST 503 is not retried even with Retry-After', async () => {
    const http = fakeHttp([status(503, { 'retry-after': '1' }), json({})]);
    expect((await request(POST, http)).status).toBe(503);
    expect(http.calls).toHaveLength(1);
  });
});

describe('request: 429', () => {
  it('GET without Retry-After backs off and finally fails rate-limited (no wait known)', async () => {
    const { error, http } = await failure(GET, [status(429)]);
    expect(error.code).toBe('rate-limited');
    expect(error.context.retryAfterS).toBeUndefined();
    expect(http.calls).toHaveLength(3);
    expect(http.sleeps).toEqual([300, 600]);
    expect(errorInfo(error).message).toBe('Appstle is rate limiting requests. Try again in a minute.');
  });

  it.each([
    ['GET', GET],
    ['POST', POST],
  ])('%s with Retry-After in seconds waits that long and retries', async (_label, req) => {
    const http = fakeHttp([status(429, { 'retry-after': '2' }), json({ ok: true })]);
    const response = await request(req, http);
    expect(response.status).toBe(200);
    expect(http.sleeps).toEqual([2000]);
    expect(http.calls).toHaveLength(2);
    expect(http.calls[1]?.init.body).toBe(req.body);
  });

  it('Retry-After as an HTTP date waits until that time', async () => {
    const at = new Date(NOW + 4000).toUTCString();
    const http = fakeHttp([status(429, { 'retry-after': at }), json({})]);
    await request(GET, http);
    expect(http.sleeps).toEqual([4000]);
  });

  it('fractional Retry-After within the budget is honoured', async () => {
    const http = fakeHttp([status(429, { 'retry-after': '1.5' }), json({})]);
    expect((await request(GET, http)).status).toBe(200);
    expect(http.sleeps).toEqual([1500]);
    expect(http.calls).toHaveLength(2);
  });

  it('Retry-After: 0 retries immediately', async () => {
    const http = fakeHttp([status(429, { 'retry-after': '0' }), json({})]);
    expect((await request(POST, http)).status).toBe(200);
    expect(http.sleeps).toEqual([0]);
  });

  it.each<[string, HttpRequest, string, number]>([
    ['GET, seconds', GET, '30', 30],
    ['POST, seconds', POST, '30', 30],
    ['GET, exactly the budget', GET, '10', 10],
    ['GET, a day', GET, '86400', 86400],
    ['GET, fractional', GET, '12.2', 13],
    ['POST, HTTP date', POST, new Date(NOW + 45_000).toUTCString(), 45],
  ])('%s over the budget fails at once with the wait (%s)', async (_label, req, header, shownS) => {
    const { error, http } = await failure(req, [status(429, { 'retry-after': header }), json({})]);
    expect(error.code).toBe('rate-limited');
    expect(http.calls).toHaveLength(1);
    expect(http.sleeps).toEqual([]);
    expect(errorInfo(error).message).toBe(`${req.provider} is rate limiting requests. Try again in ${shownS} s.`);
  });

  it('counts the time already spent against the budget', async () => {
    // 9 s fits the first time; after waiting it, the same 9 s no longer fits what is left.
    const { error, http } = await failure(GET, [status(429, { 'retry-after': '9' })]);
    expect(error.code).toBe('rate-limited');
    expect(error.context.retryAfterS).toBe(9);
    expect(http.sleeps).toEqual([9000]);
    expect(http.calls).toHaveLength(2);
  });

  it('stops after two retries even when each wait fits', async () => {
    const { error, http } = await failure(POST, [status(429, { 'retry-after': '1' })]);
    expect(error.code).toBe('rate-limited');
    expect(error.context.retryAfterS).toBe(1);
    expect(http.calls).toHaveLength(3);
    expect(http.sleeps).toEqual([1000, 1000]);
  });

  it.each(['soon', '-1', '', '5 seconds', 'Thu, 99 Nov 2025 99:00:00 GMT'])(
    'malformed Retry-After %j on a GET falls back to backoff',
    async (header) => {
      const http = fakeHttp([status(429, { 'retry-after': header }), json({})]);
      expect((await request(GET, http)).status).toBe(200);
      expect(http.sleeps).toEqual([300]);
    },
  );

  it.each(['soon', '-1', ''])('malformed Retry-After %j on a POST fails at once', async (header) => {
    const { error, http } = await failure(POST, [status(429, { 'retry-after': header }), json({})]);
    expect(error.code).toBe('rate-limited');
    expect(error.context.retryAfterS).toBeUndefined();
    expect(http.calls).toHaveLength(1);
  });
});

describe('request: timeouts and the network', () => {
  it.each([
    ['TimeoutError', new DOMException('The operation timed out.', 'TimeoutError')],
    ['AbortError', new DOMException('This operation was aborted', 'AbortError')],
  ])('a fetch rejecting with %s is a timeout, not retried', async (_label, rejection) => {
    const { error, http } = await failure(GET, [rejection, json({})]);
    expect(error.code).toBe('timeout');
    expect(error.context.provider).toBe('Appstle');
    expect(http.calls).toHaveLength(1);
    expect(errorInfo(error).message).toBe('Appstle did not answer within 10 seconds. Try again.');
  });

  it.each<[string, Error, boolean, ErrorCode]>([
    ['TypeError while offline', new TypeError('Failed to fetch'), false, 'offline'],
    ['TypeError while online', new TypeError('Failed to fetch'), true, 'provider-down'],
    [
      'NetworkError (Firefox) while offline',
      new TypeError('NetworkError when attempting to fetch resource.'),
      false,
      'offline',
    ],
    ['redirect refused while online', new TypeError('fetch failed: unexpected redirect'), true, 'provider-down'],
    ['another DOMException while online', new DOMException('x', 'NetworkError'), true, 'provider-down'],
    ['a plain Error while online', new Error('boom'), true, 'provider-down'],
  ])('%s → %s, not retried', async (_label, rejection, online, code) => {
    const { error, http } = await failure(POST, [rejection, json({})], { online });
    expect(error.code).toBe(code);
    expect(http.calls).toHaveLength(1);
  });

  it('gives the fetch a timeout signal for the whole remaining budget', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    const http = fakeHttp([status(503), status(503), json({})], { fetchMs: 1000 });
    await request(GET, http);
    expect(timeout.mock.calls.map(([ms]) => ms)).toEqual([10_000, 10_000 - 1000 - 300, 10_000 - 2000 - 900]);
  });

  it('a budget overrun while sleeping surfaces as a timeout', async () => {
    const http = fakeHttp([status(503), json({})]);
    http.sleep = async (ms) => {
      http.sleeps.push(ms);
      http.clock.now += BUDGET_MS; // the worker was suspended far longer than asked
    };
    const error = await rejectionOf(request(GET, http));
    expect(error).toBeInstanceOf(PortalLinkError);
    expect((error as PortalLinkError).code).toBe('timeout');
    expect(http.calls).toHaveLength(1);
  });

  it('slow attempts leave no room for the backoff → provider-down, not a late retry', async () => {
    const { error, http } = await failure(GET, [status(503)], { fetchMs: 6000 });
    expect(error.code).toBe('provider-down');
    expect(http.calls).toHaveLength(2);
    expect(http.sleeps).toEqual([300]);
  });

  it.each<[string, Step[], HttpRequest]>([
    ['a 5xx', [status(500)], GET],
    ['a 429', [status(429)], GET],
    ['a 429 over the budget', [status(429, { 'retry-after': '99' })], POST],
    ['a timeout', [new DOMException('t', 'TimeoutError')], GET],
    ['offline', [new TypeError(`failed with ${APPSTLE_KEY}`)], POST],
  ])('the error for %s never carries the API key', async (_label, script, req) => {
    const { error } = await failure(req, script, { online: false });
    expect(everyTextOf(error)).not.toContain(APPSTLE_KEY);
    expect(JSON.stringify(errorInfo(error))).not.toContain(APPSTLE_KEY);
  });
});

describe('problemMessages: every explanation in an error body, in order', () => {
  it.each<[string, string, string[]]>([
    [
      'RFC 7807 detail and title',
      JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'Customer 5 not found' }),
      ['Customer 5 not found', 'Not Found'],
    ],
    [
      '{message, error}',
      JSON.stringify({ message: 'Invalid API key', error: 'Unauthorized' }),
      ['Invalid API key', 'Unauthorized'],
    ],
    [
      '{error: {code, message}}',
      JSON.stringify({ error: { code: 'not_found', message: 'Client not found' } }),
      ['Client not found'],
    ],
    ['blank and null fields are skipped', JSON.stringify({ detail: null, message: '   ', error: 'Bad' }), ['Bad']],
    ['long text is cut to 200', JSON.stringify({ message: 'x'.repeat(500) }), ['x'.repeat(200)]],
    ['non-string fields', JSON.stringify({ detail: 42, message: ['a'], error: { code: 'E1' } }), []],
    ['JSON that is not an object', '"Not found"', []],
    ['malformed JSON', '{"message": "Not fo', []],
    ['HTML', '<html><body><h1>502 Bad Gateway</h1></body></html>', []],
  ])('%s', (_label, body, expected) => {
    expect(problemMessages(body)).toEqual(expected);
  });
});

describe('errorForStatus', () => {
  it.each<[number, string, ErrorCode]>([
    [401, '', 'key-rejected'],
    [401, JSON.stringify({ message: 'Customer not found' }), 'key-rejected'],
    [403, '<html>Forbidden</html>', 'key-rejected'],
    [404, '', 'customer-not-found'],
    [404, '<html>Not Found</html>', 'customer-not-found'],
    [429, '', 'rate-limited'],
    [500, '', 'provider-down'],
    [502, '<html>Bad gateway</html>', 'provider-down'],
    [503, JSON.stringify({ message: 'Customer not found' }), 'provider-down'],
    [400, JSON.stringify({ title: 'Not Found', status: 400, detail: 'Customer not found' }), 'customer-not-found'],
    [400, JSON.stringify({ message: 'No customer with email jane@example.com' }), 'customer-not-found'],
    [400, JSON.stringify({ message: 'customer.notfound' }), 'customer-not-found'],
    [400, JSON.stringify({ error: { code: 'E404', message: "Client doesn't exist" } }), 'customer-not-found'],
    [400, JSON.stringify({ error: 'Customer does not exist' }), 'customer-not-found'],
    [422, JSON.stringify({ title: 'Unknown customer' }), 'customer-not-found'],
    [400, JSON.stringify({ message: 'Invalid email', error: 'Bad Request' }), 'bad-request'],
    [400, JSON.stringify({ error: { code: 'invalid_param', message: 'id is required' } }), 'bad-request'],
    [422, JSON.stringify({ detail: 'email must be a valid email' }), 'bad-request'],
    [400, '<html><h1>Not Found</h1></html>', 'bad-request'],
    [400, '', 'bad-request'],
    [400, '{"message": "not fou', 'bad-request'],
    [405, '', 'bad-response'],
    [409, '', 'bad-response'],
    [410, '', 'bad-response'],
    [418, '', 'bad-response'],
    [302, '', 'bad-response'],
  ])('%i %s → %s', (code, body, expected) => {
    const error = errorForStatus(responseOf(code, body), 'Appstle');
    expect(error).toBeInstanceOf(PortalLinkError);
    expect(error.code).toBe(expected);
    expect(error.context).toEqual({ provider: 'Appstle' });
  });

  // Appstle's API (JHipster style) may put a generic title first and the real reason in `message`:
  // every candidate field is read, not only the first non-empty one.
  it('400 with a generic title and "Customer not found" in message → customer-not-found', () => {
    const body = JSON.stringify({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      message: 'Customer not found',
    });
    expect(errorForStatus(responseOf(400, body), 'Appstle').code).toBe('customer-not-found');
  });
});

describe('jsonBody', () => {
  it.each([
    ['{"token":"t"}', { token: 't' }],
    ['[]', []],
    ['null', null],
    ['  {"a":1}  ', { a: 1 }],
  ])('parses %j', (body, expected) => {
    expect(jsonBody(responseOf(200, body), 'Appstle')).toEqual(expected);
  });

  it.each(['', '<html></html>', '{"token":', 'undefined', "{'a':1}"])('%j is a bad response', (body) => {
    const error = (() => {
      try {
        jsonBody(responseOf(200, body), 'Appstle');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PortalLinkError);
    expect((error as PortalLinkError).code).toBe('bad-response');
    expect((error as PortalLinkError).context.provider).toBe('Appstle');
  });
});

describe('defaultHttpDeps', () => {
  it('wires the real clock, random and sleep', async () => {
    const deps = defaultHttpDeps();
    const before = Date.now();
    expect(deps.now()).toBeGreaterThanOrEqual(before);
    const r = deps.random();
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBeLessThan(1);
    expect(typeof deps.online()).toBe('boolean');
    await expect(deps.sleep(1)).resolves.toBeUndefined();
  });

  it('calls the global fetch at call time (so it can be replaced)', async () => {
    const original = globalThis.fetch;
    const deps = defaultHttpDeps(); // created before the swap: it must not have captured the old fetch
    const stub = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => json({ ok: true }));
    globalThis.fetch = stub;
    try {
      const response = await deps.fetch('https://example.com/x');
      expect(response.status).toBe(200);
      expect(stub).toHaveBeenCalledWith('https://example.com/x');
    } finally {
      globalThis.fetch = original;
    }
  });
});
