import { describe, expect, it } from 'vitest';
import { type ErrorCode, PortalLinkError, PROVIDER_ERROR_CODES } from '../../lib/shared/error-codes';
import { errorInfo } from '../../lib/shared/errors';
import { APPSTLE_KEY } from './helpers';

/** Every code, once (a Record over the union: the compiler says when one is missing). The words are locales/en.yml's. */
const everyCode: Record<ErrorCode, true> = {
  'no-store': true,
  'key-missing': true,
  'invalid-customer': true,
  'no-customer': true,
  'key-rejected': true,
  'customer-not-found': true,
  'bad-request': true,
  'rate-limited': true,
  'provider-down': true,
  timeout: true,
  offline: true,
  'bad-response': true,
  'unsafe-link': true,
  'clipboard-failed': true,
  'settings-invalid': true,
  'host-taken': true,
  'invalid-message': true,
  'forbidden-sender': true,
  'button-covered': true,
  'relay-signed-out': true,
  'relay-removed': true,
  'relay-unreachable': true,
  'relay-refused': true,
  'relay-code-invalid': true,
  'relay-url-invalid': true,
  'relay-permission': true,
  'email-needed': true,
  'email-unsupported': true,
  'no-subscriptions': true,
  'magic-link-off': true,
  'magic-link-refused': true,
  'no-composer': true,
  'composer-read-only': true,
  'insert-failed': true,
  'ticket-changed': true,
  'host-unlisted': true,
  'host-locked': true,
  internal: true,
};
const allCodes = Object.keys(everyCode) as ErrorCode[];
const providerCodes: ErrorCode[] = [
  'key-missing',
  'key-rejected',
  'customer-not-found',
  'bad-request',
  'rate-limited',
  'provider-down',
  'timeout',
  'offline',
  'bad-response',
  'unsafe-link',
  'email-unsupported',
  'no-subscriptions',
];

describe('PortalLinkError', () => {
  it.each(allCodes)('%s is an Error carrying its code and context', (code) => {
    const error = new PortalLinkError(code, { provider: 'gigstack' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(PortalLinkError);
    expect(error.name).toBe('PortalLinkError');
    expect(error.code).toBe(code);
    expect(error.message).toBe(code);
    expect(error.context).toEqual({ provider: 'gigstack' });
  });

  it('defaults to an empty context', () => {
    expect(new PortalLinkError('internal').context).toEqual({});
  });
});

describe('errorInfo', () => {
  it.each(allCodes)('%s: a whole sentence from the locale, with its code', (code) => {
    const info = errorInfo(new PortalLinkError(code, { provider: 'Appstle' }));
    expect(info.code).toBe(code);
    expect(info.message).not.toMatch(/undefined|null|NaN|\[object|\$\d|errors\./);
    expect(info.message.trim().endsWith('.')).toBe(true);
  });

  it('gives every code its own message', () => {
    const messages = allCodes.map((code) => errorInfo(new PortalLinkError(code, { provider: 'Appstle' })).message);
    expect(new Set(messages).size).toBe(allCodes.length);
  });

  it.each(providerCodes)('%s names the provider from the context', (code) => {
    expect(errorInfo(new PortalLinkError(code, { provider: 'gigstack' })).message).toContain('gigstack');
    expect(errorInfo(new PortalLinkError(code, { provider: 'gigstack' })).message).not.toContain('Appstle');
  });

  it.each(providerCodes)('%s falls back to the given provider name, else "The provider"', (code) => {
    expect(errorInfo(new PortalLinkError(code), 'gigstack').message).toContain('gigstack');
    expect(errorInfo(new PortalLinkError(code)).message).toContain('The provider');
    // The error's own provider wins over the fallback.
    expect(errorInfo(new PortalLinkError(code, { provider: 'Appstle' }), 'gigstack').message).toContain('Appstle');
  });

  it.each([
    [undefined, 'Try again in a minute.'],
    [0, 'Try again in 1 s.'],
    [0.2, 'Try again in 1 s.'],
    [1, 'Try again in 1 s.'],
    [1.5, 'Try again in 2 s.'],
    [9.01, 'Try again in 10 s.'],
    [30, 'Try again in 30 s.'],
    [120, 'Try again in 120 s.'],
    [3600, 'Try again in 3600 s.'],
  ])('rate-limited with retryAfterS=%s says "%s"', (retryAfterS, expected) => {
    const { code, message } = errorInfo(new PortalLinkError('rate-limited', { provider: 'Appstle', retryAfterS }));
    expect(code).toBe('rate-limited');
    expect(message).toBe(`Appstle is rate limiting requests. ${expected}`);
  });

  it.each([
    ['an Error', new Error(`fetch failed: X-API-Key ${APPSTLE_KEY}`)],
    ['a TypeError', new TypeError(`Bearer ${APPSTLE_KEY} is invalid`)],
    ['a string', `key ${APPSTLE_KEY}`],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a look-alike object', { code: 'key-rejected', message: APPSTLE_KEY, context: { provider: APPSTLE_KEY } }],
    ['a DOMException', new DOMException(APPSTLE_KEY, 'TimeoutError')],
  ])('%s becomes "internal" without echoing its text', (_label, error) => {
    const info = errorInfo(error, 'Appstle');
    expect(info).toEqual(errorInfo(new PortalLinkError('internal')));
    expect(JSON.stringify(info)).not.toContain(APPSTLE_KEY);
  });

  it.each(allCodes)('%s: the message never carries context values other than provider and wait', (code) => {
    // Even if a caller wrongly put a secret in the context, only provider/retryAfterS are ever read.
    const context = { provider: 'Appstle', apiKey: APPSTLE_KEY } as unknown as { provider: string };
    expect(errorInfo(new PortalLinkError(code, context)).message).not.toContain(APPSTLE_KEY);
  });
});

describe('host-taken', () => {
  it('names the helpdesk host it is about', () => {
    expect(errorInfo(new PortalLinkError('host-taken', { host: 'acme.zendesk.com' })).message).toBe(
      'acme.zendesk.com is already used by another store (maybe one your administrator manages). A helpdesk account can use only one store.',
    );
  });
});

describe('PROVIDER_ERROR_CODES (what the team relay passes on by code)', () => {
  it('holds every code the provider modules throw', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const files = readdirSync('lib/providers', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const thrown = files.flatMap((file) => [
      ...readFileSync(`lib/providers/${file}`, 'utf8').matchAll(/new PortalLinkError\('([a-z-]+)'/g),
    ]);
    const codes = new Set(thrown.map((m) => m[1]));
    expect(codes.size).toBeGreaterThan(5); // the scan found the providers' errors
    expect([...codes].filter((code) => !PROVIDER_ERROR_CODES.includes(code as ErrorCode))).toEqual([]);
  });
});
