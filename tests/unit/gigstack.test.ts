import { describe, expect, it } from 'vitest';
import { getPortalLink } from '../../lib/background/link-service';
import { GIGSTACK_ENDPOINT, gigstack, isGigstackPortalUrl } from '../../lib/providers/gigstack/index';
import { providerFor } from '../../lib/providers/registry';
import type { CustomerQuery } from '../../lib/shared/customer';
import { type ErrorCode, PortalLinkError } from '../../lib/shared/error-codes';
import { errorInfo } from '../../lib/shared/errors';
import {
  everyTextOf,
  fakeHttp,
  GIGSTACK_KEY,
  gigstackReply,
  gigstackStore,
  headersOf,
  json,
  memoryCache,
  NOW,
  rejectionOf,
  type Step,
  status,
  text,
} from './helpers';

const DAY = 24 * 3600_000;
const byEmail: CustomerQuery = { kind: 'email', email: 'jane@example.com' };

async function issue(step: Step | Step[], store = gigstackStore(), query: CustomerQuery = byEmail) {
  const http = fakeHttp(Array.isArray(step) ? step : [step]);
  const link = await gigstack.issueLink(store, query, http);
  return { link, http };
}

async function issueError(step: Step | Step[], store = gigstackStore(), query: CustomerQuery = byEmail) {
  const http = fakeHttp(Array.isArray(step) ? step : [step]);
  const error = await rejectionOf(gigstack.issueLink(store, query, http));
  expect(error).toBeInstanceOf(PortalLinkError);
  return { error: error as PortalLinkError, http };
}

describe('gigstack provider: identity', () => {
  it('describes itself', () => {
    expect(gigstack).toMatchObject({
      id: 'gigstack',
      label: 'gigstack',
      shortName: 'gigstack',
      probeQuery: { kind: 'id', id: 'client_portal_link_connection_test' },
    });
    expect(providerFor(gigstackStore())).toBe(gigstack);
    expect(gigstack.parseId(gigstack.probeQuery.kind === 'id' ? gigstack.probeQuery.id : '')).toBeDefined();
  });
});

describe('gigstack provider: the request', () => {
  it('POSTs JSON with a Bearer key', async () => {
    const { http } = await issue(gigstackReply());
    expect(http.calls).toHaveLength(1);
    const call = http.calls[0];
    expect(call?.url).toBe(GIGSTACK_ENDPOINT);
    expect(GIGSTACK_ENDPOINT).toBe('https://api.gigstack.io/v2/clients/customerportal');
    expect(call?.init.method).toBe('POST');
    expect(headersOf(call)).toEqual({
      authorization: `Bearer ${GIGSTACK_KEY}`,
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(JSON.parse(String(call?.init.body))).toEqual({ email: 'jane@example.com' });
    expect(call?.url).not.toContain(GIGSTACK_KEY);
    expect(String(call?.init.body)).not.toContain(GIGSTACK_KEY);
  });

  it.each<[string, string | undefined, string]>([
    ['a team', 'team_A-1', `${GIGSTACK_ENDPOINT}?team=team_A-1`],
    ['no team', undefined, GIGSTACK_ENDPOINT],
    ['an empty team', '', GIGSTACK_ENDPOINT],
  ])('with %s the URL is %s', async (_label, team, url) => {
    const { http } = await issue(gigstackReply(), gigstackStore({ team }));
    expect(http.calls[0]?.url).toBe(url);
  });

  it.each<[string, string, Record<string, string>]>([
    ['a client_ id', 'client_abc123', { id: 'client_abc123' }],
    ['a cus_ id', 'cus_9XyZ', { id: 'cus_9XyZ' }],
    ['a padded id', '  client_x  ', { id: 'client_x' }],
    ['an email', 'jane@example.com', { email: 'jane@example.com' }],
    ['an email as typed, trimmed', ' Jane+MX@Example.com ', { email: 'Jane+MX@Example.com' }],
    ['a mailto: email', 'mailto:jane@example.com', { email: 'jane@example.com' }],
  ])('typed %s → body %j', async (_label, typed, body) => {
    const http = fakeHttp([gigstackReply()]);
    await getPortalLink(gigstackStore(), typed, { http, cache: memoryCache() });
    expect(JSON.parse(String(http.calls[0]?.init.body))).toEqual(body);
  });

  it.each<[string, { id?: string; email?: string }, Record<string, string>]>([
    ['a detected gigstack id over the email', { id: 'cus_1', email: 'jane@example.com' }, { id: 'cus_1' }],
    [
      'a detected Shopify id is not sent to gigstack',
      { id: '12345', email: 'jane@example.com' },
      { email: 'jane@example.com' },
    ],
  ])('%s', async (_label, ref, body) => {
    const http = fakeHttp([gigstackReply()]);
    await getPortalLink(gigstackStore(), ref, { http, cache: memoryCache() });
    expect(JSON.parse(String(http.calls[0]?.init.body))).toEqual(body);
  });

  it.each(['12345', 'gid://shopify/Customer/1', 'Client_abc', 'garbage'])(
    'typed %j is not a gigstack customer: nothing is sent',
    async (typed) => {
      const http = fakeHttp([gigstackReply()]);
      const error = await rejectionOf(getPortalLink(gigstackStore(), typed, { http, cache: memoryCache() }));
      expect(errorInfo(error).code).toBe('invalid-customer');
      expect(http.calls).toHaveLength(0);
    },
  );

  it('sends nothing without a key', async () => {
    const { error, http } = await issueError(gigstackReply(), gigstackStore({ apiKey: '' }));
    expect(error.code).toBe('key-missing');
    expect(errorInfo(error).message).toContain('gigstack');
    expect(http.calls).toHaveLength(0);
  });
});

describe('isGigstackPortalUrl', () => {
  it.each<[string, boolean]>([
    ['https://portal.gigstack.io/session/abc', true],
    ['https://gigstack.io/portal/abc', true],
    ['https://a.b.gigstack.io/x', true],
    ['https://app.gigstack.pro/portal/abc', true],
    ['https://gigstack.pro/x', true],
    ['HTTPS://PORTAL.GIGSTACK.IO/x', true],
    ['https://portal.gigstack.io:443/x', true],
    ['http://portal.gigstack.io/x', false],
    ['javascript:alert(1)//portal.gigstack.io', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['https://evil.example/x', false],
    ['https://gigstack.io.evil.example/x', false],
    ['https://evilgigstack.io/x', false],
    ['https://gigstack.io@evil.example/x', false],
    ['https://user:pw@portal.gigstack.io/x', false],
    ['https://portal.gigstack.com/x', false],
    ['//portal.gigstack.io/x', false],
    ['portal.gigstack.io/x', false],
    ['', false],
    ['not a url', false],
  ])('%j → %s', (url, expected) => {
    expect(isGigstackPortalUrl(url)).toBe(expected);
  });
});

describe('gigstack provider: the link', () => {
  it.each<[string, string]>([
    ['https://portal.gigstack.io/session/abc123', 'https://portal.gigstack.io/session/abc123'],
    ['https://app.gigstack.pro/portal?s=1', 'https://app.gigstack.pro/portal?s=1'],
    ['HTTPS://Portal.Gigstack.IO/Session/AbC', 'https://portal.gigstack.io/Session/AbC'],
    ['https://portal.gigstack.io/a b', 'https://portal.gigstack.io/a%20b'],
  ])('returns data.url %j normalised as %j', async (url, expected) => {
    const { link } = await issue(gigstackReply({ url }));
    expect(link.url).toBe(expected);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'http://portal.gigstack.io/session/abc',
    'https://evil.example/session/abc',
    'https://portal.gigstack.io.evil.example/s',
    'https://user:pw@portal.gigstack.io/s',
    'data:text/html,hi',
    'relative/path',
    '',
  ])('refuses data.url %j as an unsafe link', async (url) => {
    const { error } = await issueError(gigstackReply({ url }));
    expect(error.code).toBe('unsafe-link');
    expect(errorInfo(error).message).toBe(
      "gigstack returned a link that isn't a secure portal address, so it was not copied. Contact support.",
    );
  });

  it.each<[string, unknown, number]>([
    ['expires_at in ms', NOW + 5 * DAY, NOW + 5 * DAY],
    ['expires_at in s', Math.floor((NOW + 5 * DAY) / 1000), NOW + 5 * DAY],
    ['expires_at in fractional s', (NOW + 5 * DAY) / 1000 + 0.5, NOW + 5 * DAY + 500],
    ['expires_at as a digit string in ms', String(NOW + 4 * DAY), NOW + 4 * DAY],
    ['expires_at as a digit string in s', String((NOW + 4 * DAY) / 1000), NOW + 4 * DAY],
    ['no expires_at → five days', undefined, NOW + 5 * DAY],
  ])('%s', async (_label, expires_at, expected) => {
    const { link } = await issue(gigstackReply({ expires_at }));
    expect(link.expiresAt).toBe(expected);
  });

  it('accepts a reply without message or session_id', async () => {
    const { link } = await issue(json({ data: { url: 'https://portal.gigstack.io/s/1' } }));
    expect(link).toEqual({ url: 'https://portal.gigstack.io/s/1', expiresAt: NOW + 5 * DAY });
  });
});

describe('gigstack provider: errors', () => {
  it.each<[string, Step[], ErrorCode, number]>([
    [
      '400 {error:{code,message}} not found',
      [json({ error: { code: 'not_found', message: 'Client not found' } }, 400)],
      'customer-not-found',
      1,
    ],
    ['400 {message, error}', [json({ message: 'email is invalid', error: 'Bad Request' }, 400)], 'bad-request', 1],
    ['401', [json({ message: 'Invalid token' }, 401)], 'key-rejected', 1],
    [
      '400 {message, error} client not found (as gigstack answers an unknown client)',
      [json({ message: 'Client not found', error: 'client_not_found' }, 400)],
      'customer-not-found',
      1,
    ],
    [
      '400 {error:{code,message}} invalid email',
      [json({ error: { code: 'invalid_email', message: 'email is invalid' } }, 400)],
      'bad-request',
      1,
    ],
    [
      '401 {error:{code,message}}',
      [json({ error: { code: 'unauthorized', message: 'Invalid API key' } }, 401)],
      'key-rejected',
      1,
    ],
    ['403 {message, error}', [json({ message: 'Team not allowed', error: 'forbidden' }, 403)], 'key-rejected', 1],
    [
      '404 {error:{code,message}}',
      [json({ error: { code: 'not_found', message: 'Client not found' } }, 404)],
      'customer-not-found',
      1,
    ],
    [
      '500 {message, error} is not retried',
      [json({ message: 'Internal error', error: 'internal' }, 500), gigstackReply()],
      'provider-down',
      1,
    ],
    [
      '502 HTML from a proxy is not retried',
      [text('<html><body>Bad gateway</body></html>', 502), gigstackReply()],
      'provider-down',
      1,
    ],
    ['403', [json({ error: 'Forbidden' }, 403)], 'key-rejected', 1],
    ['404', [json({ message: 'Client not found' }, 404)], 'customer-not-found', 1],
    ['422 problem JSON', [json({ title: 'Unprocessable', detail: 'team is not valid' }, 422)], 'bad-request', 1],
    ['500 is not retried (POST)', [status(500), gigstackReply()], 'provider-down', 1],
    [
      '503 with Retry-After is not retried (POST)',
      [status(503, { 'retry-after': '1' }), gigstackReply()],
      'provider-down',
      1,
    ],
    ['429 without Retry-After fails at once', [status(429), gigstackReply()], 'rate-limited', 1],
    ['429 over the budget fails at once', [status(429, { 'retry-after': '30' }), gigstackReply()], 'rate-limited', 1],
    ['429 with Retry-After three times', [status(429, { 'retry-after': '1' })], 'rate-limited', 3],
    ['timeout', [new DOMException('timed out', 'TimeoutError')], 'timeout', 1],
    ['200 malformed JSON', [text('{"data": {"url": ', 200)], 'bad-response', 1],
    ['200 HTML', [text('<html><body>maintenance</body></html>', 200)], 'bad-response', 1],
    ['200 no data', [json({ message: 'ok' })], 'bad-response', 1],
    ['200 data is null', [json({ message: 'ok', data: null })], 'bad-response', 1],
    ['200 no url', [json({ data: { expires_at: NOW } })], 'bad-response', 1],
    ['200 numeric url', [json({ data: { url: 42 } })], 'bad-response', 1],
    ['200 url too long', [gigstackReply({ url: `https://portal.gigstack.io/${'x'.repeat(4100)}` })], 'bad-response', 1],
    ['200 expires_at not a number', [gigstackReply({ expires_at: 'tomorrow' })], 'bad-response', 1],
    ['200 oversized body', [gigstackReply({ pad: 'x'.repeat(300 * 1024) })], 'bad-response', 1],
  ])('%s → %s', async (_label, script, code, calls) => {
    const { error, http } = await issueError(script);
    expect(error.code).toBe(code);
    expect(error.context.provider).toBe('gigstack');
    expect(http.calls).toHaveLength(calls);
    expect(everyTextOf(error)).not.toContain(GIGSTACK_KEY);
    expect(JSON.stringify(errorInfo(error))).not.toContain(GIGSTACK_KEY);
  });

  it('429 with Retry-After is retried once the wait is over', async () => {
    const { link, http } = await issue([status(429, { 'retry-after': '2' }), gigstackReply()]);
    expect(link.url).toBe('https://portal.gigstack.io/session/abc123');
    expect(http.calls).toHaveLength(2);
    expect(http.sleeps).toEqual([2000]);
    expect(http.calls[1]?.init.body).toBe(http.calls[0]?.init.body);
  });

  it('429 {error:{code,message}} with Retry-After is retried once, with the same body', async () => {
    const limited = json({ error: { code: 'rate_limited', message: 'Too many requests' } }, 429, {
      'retry-after': '1',
    });
    const { link, http } = await issue([limited, gigstackReply()], gigstackStore(), { kind: 'id', id: 'cus_9' });
    expect(link.url).toBe('https://portal.gigstack.io/session/abc123');
    expect(http.calls.map((c) => JSON.parse(String(c.init.body)))).toEqual([{ id: 'cus_9' }, { id: 'cus_9' }]);
    expect(http.sleeps).toEqual([1000]);
  });

  it('429 over the budget tells the agent how long to wait', async () => {
    const { error } = await issueError([status(429, { 'retry-after': '45' })]);
    expect(errorInfo(error).message).toBe('gigstack is rate limiting requests. Try again in 45 s.');
  });

  it.each<[boolean, ErrorCode]>([
    [false, 'offline'],
    [true, 'provider-down'],
  ])('a network failure with online()=%s → %s', async (online, code) => {
    const http = fakeHttp([new TypeError('Failed to fetch')], { online });
    const error = await rejectionOf(gigstack.issueLink(gigstackStore(), byEmail, http));
    expect(errorInfo(error).code).toBe(code);
  });
});
