import { describe, expect, it } from 'vitest';
import { getPortalLink } from '../../lib/background/link-service';
import { APPSTLE_ENDPOINT, appstle, buildPortalUrl } from '../../lib/providers/appstle/index';
import { DEFAULT_PORTAL_TEMPLATE } from '../../lib/providers/appstle/settings';
import { providerFor } from '../../lib/providers/registry';
import type { CustomerQuery } from '../../lib/shared/customer';
import { type ErrorCode, PortalLinkError } from '../../lib/shared/error-codes';
import { errorInfo } from '../../lib/shared/errors';
import {
  APPSTLE_KEY,
  appstleStore,
  appstleToken,
  everyTextOf,
  fakeHttp,
  headersOf,
  json,
  makeJwt,
  memoryCache,
  NOW,
  rejectionOf,
  type Step,
  status,
  text,
} from './helpers';

const HOUR = 3600_000;
const byId: CustomerQuery = { kind: 'id', id: '12345' };

function tokenReply(token = appstleToken()): Response {
  return json({ customerId: 12345, token });
}

async function issue(step: Step | Step[], store = appstleStore(), query: CustomerQuery = byId) {
  const http = fakeHttp(Array.isArray(step) ? step : [step]);
  const link = await appstle.issueLink(store, query, http);
  return { link, http };
}

async function issueError(step: Step | Step[], store = appstleStore(), query: CustomerQuery = byId) {
  const http = fakeHttp(Array.isArray(step) ? step : [step]);
  const error = await rejectionOf(appstle.issueLink(store, query, http));
  expect(error).toBeInstanceOf(PortalLinkError);
  return { error: error as PortalLinkError, http };
}

describe('appstle provider: identity', () => {
  it('describes itself', () => {
    expect(appstle).toMatchObject({
      id: 'appstle',
      label: 'Appstle Subscriptions',
      shortName: 'Appstle',
      probeQuery: { kind: 'id', id: '1' },
    });
    expect(providerFor(appstleStore())).toBe(appstle);
  });

  it.each([
    ['12345', '12345'],
    ['gid://shopify/Customer/12345', '12345'],
    ['cus_1', undefined],
  ])('parseId(%j) → %j', (input, expected) => {
    expect(appstle.parseId(input)).toBe(expected);
  });
});

describe('appstle provider: the request', () => {
  it('GETs the token endpoint by customerId with the API key header', async () => {
    const { http } = await issue(tokenReply());
    expect(http.calls).toHaveLength(1);
    const call = http.calls[0];
    const url = new URL(call?.url ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(APPSTLE_ENDPOINT);
    expect(APPSTLE_ENDPOINT).toBe('https://subscription-admin.appstle.com/api/external/v2/customer-portal-token');
    expect([...url.searchParams]).toEqual([['customerId', '12345']]);
    expect(call?.init.method).toBe('GET');
    expect(call?.init.body).toBeUndefined();
    expect(headersOf(call)).toEqual({ 'x-api-key': APPSTLE_KEY, accept: 'application/json' });
    // The key travels in a header only, never in the URL.
    expect(call?.url).not.toContain(APPSTLE_KEY);
  });

  it.each<[string, string, [string, string]]>([
    ['a numeric id', '12345', ['customerId', '12345']],
    ['a gid', 'gid://shopify/Customer/6201234567890', ['customerId', '6201234567890']],
    ['a padded id with zeros', ' 0042 ', ['customerId', '42']],
    ['an email', 'jane@example.com', ['email', 'jane@example.com']],
    [
      'an email as typed (case and +tag kept), trimmed',
      '  Jane.Doe+VIP@Example.com\n',
      ['email', 'Jane.Doe+VIP@Example.com'],
    ],
    ['a mailto: email', 'mailto:jane@example.com', ['email', 'jane@example.com']],
    ['a unicode email', 'josé@correo.example.mx', ['email', 'josé@correo.example.mx']],
    ['an email with & and =', 'a&b=c@example.com', ['email', 'a&b=c@example.com']],
  ])('typed %s → one query parameter', async (_label, typed, [param, value]) => {
    const http = fakeHttp([tokenReply()]);
    await getPortalLink(appstleStore(), typed, { http, cache: memoryCache() });
    const url = new URL(http.calls[0]?.url ?? '');
    expect([...url.searchParams]).toEqual([[param, value]]);
    expect(url.searchParams.get(param)).toBe(value);
  });

  it('sends nothing without a key', async () => {
    const { error, http } = await issueError(tokenReply(), appstleStore({ apiKey: '' }));
    expect(error.code).toBe('key-missing');
    expect(errorInfo(error).message).toBe('This store has no Appstle API key. Open Settings and add it.');
    expect(http.calls).toHaveLength(0);
  });
});

describe('appstle provider: the link', () => {
  it('fills the default template with the token shop and the token', async () => {
    const token = appstleToken();
    const { link } = await issue(tokenReply(token));
    expect(link.url).toBe(`https://acme-shop.myshopify.com/tools/recurring/customer_portal?token=${token}`);
  });

  it.each<[string, string | undefined, string]>([
    ['configured domain wins over the token shop', 'acme.com', 'acme.com'],
    ['empty domain → the token shop', '', 'acme-shop.myshopify.com'],
    ['no domain → the token shop', undefined, 'acme-shop.myshopify.com'],
  ])('%s', async (_label, storeDomain, host) => {
    const { link } = await issue(tokenReply(), appstleStore({ storeDomain }));
    expect(new URL(link.url).hostname).toBe(host);
  });

  it.each<[string, unknown, string]>([
    ['an upper-case shop is lowercased', 'ACME-Shop.MyShopify.com', 'acme-shop.myshopify.com'],
    ['a custom domain shop', 'shop.acme.mx', 'shop.acme.mx'],
  ])('token shop: %s', async (_label, shop, host) => {
    const { link } = await issue(tokenReply(appstleToken({ shop })));
    expect(new URL(link.url).hostname).toBe(host);
  });

  it.each<[string, string]>([
    ['plain', 'abc.def.ghi'],
    ['with + / =', 'a+b/c=='],
    ['with & # ? and space', 'a&b#c?d e'],
    ['with %', '100%'],
    ['unicode', 'tökén✓'],
  ])('URL-encodes the token (%s) so it round-trips', async (_label, token) => {
    const { link } = await issue(tokenReply(token), appstleStore({ storeDomain: 'acme-shop.myshopify.com' }));
    const url = new URL(link.url);
    expect(url.searchParams.get('token')).toBe(token);
    expect([...url.searchParams.keys()]).toEqual(['token']);
    expect(url.hash).toBe('');
    expect(link.url).toContain(`token=${encodeURIComponent(token)}`);
  });

  it('uses a custom template without {storeDomain} even when no shop is known', async () => {
    const store = appstleStore({ portalUrlTemplate: 'https://portal.acme.com/account?t={token}' });
    const { link } = await issue(tokenReply('opaque-token'), store);
    expect(link.url).toBe('https://portal.acme.com/account?t=opaque-token');
  });

  it.each<[string, unknown]>([
    ['no shop in the token', undefined],
    ['a shop with a path', 'evil.com/x'],
    ['a shop with a scheme', 'https://acme.myshopify.com'],
    ['a shop with an @', 'acme.myshopify.com@evil.com'],
    ['a numeric shop', 123],
    ['a shop without a TLD', 'acme'],
  ])('a {storeDomain} template with %s and no configured domain is a bad response', async (_label, shop) => {
    const { error } = await issueError(tokenReply(appstleToken({ shop })));
    expect(error.code).toBe('bad-response');
  });

  it('a token that is not a JWT and no configured domain is a bad response', async () => {
    const { error } = await issueError(tokenReply('not-a-jwt'));
    expect(error.code).toBe('bad-response');
  });

  it.each<[string, string]>([
    ['http', 'http://{storeDomain}/tools/recurring/customer_portal?token={token}'],
    ['another host', 'https://evil.example/steal?shop={storeDomain}&token={token}'],
    ['a host suffix', 'https://{storeDomain}.evil.example/?token={token}'],
    ['userinfo before the host', 'https://{storeDomain}@evil.example/?token={token}'],
    ['credentials', 'https://user:pw@{storeDomain}/?token={token}'],
    ['javascript:', 'javascript:alert(1)//{storeDomain}/{token}'],
    ['data:', 'data:text/html,{storeDomain}{token}'],
    ['not a URL', '{token}'],
  ])('a template yielding %s is an unsafe link (never returned)', async (_label, portalUrlTemplate) => {
    // Bypasses the settings schema on purpose: the provider must not trust it.
    const store = { ...appstleStore(), portalUrlTemplate };
    const { error } = await issueError(tokenReply(), store);
    expect(error.code).toBe('unsafe-link');
    expect(errorInfo(error).message).toContain('Appstle returned a link that isn');
  });
});

describe('buildPortalUrl', () => {
  it.each<[string, string, string, string]>([
    [
      DEFAULT_PORTAL_TEMPLATE,
      'acme.myshopify.com',
      't',
      'https://acme.myshopify.com/tools/recurring/customer_portal?token=t',
    ],
    ['https://{storeDomain}/a/{token}', 'acme.com', 'x/y', 'https://acme.com/a/x%2Fy'],
    ['https://{storeDomain}/?t={token}&s={storeDomain}', 'acme.com', 't', 'https://acme.com/?t=t&s=acme.com'],
    ['https://portal.acme.com/?t={token}', '', 't', 'https://portal.acme.com/?t=t'],
    ['https://{storeDomain}/?t={token}', 'ACME.com', 't', 'https://acme.com/?t=t'],
  ])('%s with %s and %s → %s', (template, domain, token, expected) => {
    expect(buildPortalUrl(template, domain, token)).toBe(expected);
  });

  it.each<[string, string]>([
    ['http://{storeDomain}/?t={token}', 'acme.com'],
    ['https://{storeDomain}/?t={token}', ''],
    ['https://{storeDomain}/?t={token}', 'evil.com/x?'],
    ['https://{storeDomain}/?t={token}', 'acme.com@evil.com'],
    ['https://{storeDomain}:8443/?t={token}', 'acme.com:80@evil.com'],
    ['ftp://{storeDomain}/{token}', 'acme.com'],
    ['http://portal.acme.com/?t={token}', ''],
  ])('%s with domain %j is unsafe', (template, domain) => {
    let error: unknown;
    try {
      buildPortalUrl(template, domain, 't');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PortalLinkError);
    expect((error as PortalLinkError).code).toBe('unsafe-link');
  });
});

describe('appstle provider: expiry', () => {
  it.each<[string, unknown, number]>([
    ['timestamp in ms', NOW - 60_000, NOW - 60_000 + 2 * HOUR],
    ['timestamp in seconds', Math.floor((NOW - 60_000) / 1000), NOW - 60_000 + 2 * HOUR],
    ['timestamp exactly now', NOW, NOW + 2 * HOUR],
    ['timestamp slightly in the future (clock skew)', NOW + 5 * 60_000, NOW + 5 * 60_000 + 2 * HOUR],
    ['ISO timestamp', new Date(NOW - 30_000).toISOString(), NOW - 30_000 + 2 * HOUR],
    ['no timestamp → now', undefined, NOW + 2 * HOUR],
    ['timestamp a day old (implausible) → now', NOW - 24 * HOUR, NOW + 2 * HOUR],
    ['timestamp a day ahead (implausible) → now', NOW + 24 * HOUR, NOW + 2 * HOUR],
    ['timestamp 0 → now', 0, NOW + 2 * HOUR],
    ['garbage timestamp → now', 'yesterday-ish', NOW + 2 * HOUR],
    ['boolean timestamp → now', true, NOW + 2 * HOUR],
  ])('%s', async (_label, timestamp, expected) => {
    const { link } = await issue(tokenReply(appstleToken({ timestamp })));
    expect(link.expiresAt).toBe(expected);
  });

  it('a non-JWT token expires two hours after issue', async () => {
    const { link } = await issue(tokenReply('opaque'), appstleStore({ storeDomain: 'acme.com' }));
    expect(link.expiresAt).toBe(NOW + 2 * HOUR);
  });

  it('measures "now" after the request (retries included)', async () => {
    const { link } = await issue([status(503), tokenReply(makeJwt({ shop: 'acme.com' }))]);
    expect(link.expiresAt).toBe(NOW + 300 + 2 * HOUR);
  });
});

describe('appstle provider: errors', () => {
  it.each<[string, Step[], ErrorCode, number]>([
    [
      '400 "Customer not found"',
      [json({ title: 'Bad Request', detail: 'Customer not found' }, 400)],
      'customer-not-found',
      1,
    ],
    ['400 other', [json({ message: 'customerId or email is required' }, 400)], 'bad-request', 1],
    ['400 HTML', [text('<html>Bad Request</html>', 400)], 'bad-request', 1],
    ['401', [json({ message: 'Unauthorized' }, 401)], 'key-rejected', 1],
    ['403', [text('', 403)], 'key-rejected', 1],
    ['404', [json({ title: 'Not Found', status: 404 }, 404)], 'customer-not-found', 1],
    [
      '404 with a {error:{code,message}} body',
      [json({ error: { code: 'E', message: 'x' } }, 404)],
      'customer-not-found',
      1,
    ],
    ['500 three times', [status(500)], 'provider-down', 3],
    ['502 HTML three times', [text('<html>Bad Gateway</html>', 502)], 'provider-down', 3],
    ['429 three times', [status(429)], 'rate-limited', 3],
    ['429 over the budget', [status(429, { 'retry-after': '120' })], 'rate-limited', 1],
    ['timeout', [new DOMException('timed out', 'TimeoutError')], 'timeout', 1],
    ['network failure', [new TypeError('Failed to fetch')], 'provider-down', 1],
    ['200 malformed JSON', [text('{"token": "abc', 200)], 'bad-response', 1],
    ['200 HTML', [text('<!doctype html><title>Login</title>', 200)], 'bad-response', 1],
    ['200 empty', [text('', 200)], 'bad-response', 1],
    ['200 JSON null', [text('null', 200)], 'bad-response', 1],
    ['200 array', [json([{ token: 't' }])], 'bad-response', 1],
    ['200 missing token', [json({ customerId: 12345 })], 'bad-response', 1],
    ['200 empty token', [json({ customerId: 12345, token: '' })], 'bad-response', 1],
    ['200 numeric token', [json({ customerId: 12345, token: 42 })], 'bad-response', 1],
    ['200 oversized token', [json({ token: 'x'.repeat(8193) })], 'bad-response', 1],
    ['200 body over the cap', [json({ token: appstleToken(), pad: 'x'.repeat(300 * 1024) })], 'bad-response', 1],
    ['200 customerId as an object', [json({ customerId: { id: 1 }, token: appstleToken() })], 'bad-response', 1],
    ['301 redirect status', [status(301, { location: 'https://evil.example' })], 'bad-response', 1],
  ])('%s → %s', async (_label, script, code, calls) => {
    const { error, http } = await issueError(script);
    expect(error.code).toBe(code);
    expect(error.context.provider).toBe('Appstle');
    expect(http.calls).toHaveLength(calls);
    const info = errorInfo(error);
    expect(info.code).toBe(code);
    expect(everyTextOf(error)).not.toContain(APPSTLE_KEY);
    expect(JSON.stringify(info)).not.toContain(APPSTLE_KEY);
  });

  it('offline is reported as offline', async () => {
    const http = fakeHttp([new TypeError('Failed to fetch')], { online: false });
    const error = await rejectionOf(appstle.issueLink(appstleStore(), byId, http));
    expect(errorInfo(error)).toEqual({
      code: 'offline',
      message: "Can't reach Appstle. Check your internet connection and try again.",
    });
  });

  it.each([
    [{ customerId: '12345', token: appstleToken() }],
    [{ token: appstleToken() }],
    [{ customerId: 12345, token: appstleToken(), extra: { nested: true } }],
  ])('accepts the reply %j', async (body) => {
    const { link } = await issue(json(body));
    expect(link.url.startsWith('https://acme-shop.myshopify.com/')).toBe(true);
  });
});
