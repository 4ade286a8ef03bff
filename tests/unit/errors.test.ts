import { describe, expect, it } from 'vitest';
import { type ErrorCode, PortalLinkError, PROVIDER_ERROR_CODES } from '../../lib/shared/error-codes';
import { errorInfo } from '../../lib/shared/errors';
import { APPSTLE_KEY } from './helpers';

/** Every code, with the words an agent must see (what happened + the next step). Exhaustive by type. */
const expectedMessages: Record<ErrorCode, string> = {
  'no-store': 'No store is set up yet. Open Settings and add your API key.',
  'key-missing': 'This store has no Appstle API key. Open Settings and add it.',
  'invalid-customer': 'That is not an email address or a customer ID. Check it and try again.',
  'no-customer': 'No customer detected on this page. Type their email or customer ID in the popup.',
  'key-rejected': 'Appstle rejected the API key. Check the key in Settings (it may have been revoked).',
  'customer-not-found':
    'Appstle has no subscription customer with that email or ID. Check it, or try their other email.',
  'bad-request': 'Appstle refused the lookup. Check the email or customer ID.',
  'rate-limited': 'Appstle is rate limiting requests. Try again in a minute.',
  'provider-down': 'Appstle is having trouble right now. Try again in a few minutes.',
  timeout: 'Appstle did not answer within 10 seconds. Try again.',
  offline: "Can't reach Appstle. Check your internet connection and try again.",
  'bad-response': "Appstle sent an answer Portal Link doesn't understand. Try again; if it persists, contact support.",
  'unsafe-link': "Appstle returned a link that isn't a secure portal address, so it was not copied. Contact support.",
  'clipboard-failed': "Couldn't write to the clipboard. Click the page and try again.",
  'settings-invalid': 'Your Portal Link settings need attention. Open Settings and save them again.',
  'host-taken':
    'That helpdesk account is already used by another store (maybe one your administrator manages). A helpdesk account can use only one store.',
  'invalid-message': 'Portal Link received a request it does not understand. Reload the page.',
  'forbidden-sender': 'This page is not allowed to ask Portal Link for links.',
  'button-covered':
    'The Copy portal link button is covered by something on the page (or barely visible), so nothing was copied. Scroll or close the overlay and try again.',
  'relay-signed-out': 'You are signed out of the team relay. Sign in again in Settings with a new enrollment code.',
  'relay-removed':
    'Your team relay removed your access (agent-removed). Ask your administrator for a new enrollment code.',
  'relay-unreachable':
    "Can't reach the team relay (Team relay). Check your connection, or ask your administrator whether it is running.",
  'relay-refused':
    'The team relay made no link (this store is not open to you, or it could not record the request). Ask your administrator.',
  'relay-code-invalid':
    'That enrollment code is not valid (already used, expired or mistyped). Ask your administrator for a new one.',
  'relay-url-invalid': "Enter the relay's address, starting with https://.",
  'relay-permission': 'Portal Link needs your permission to reach Team relay to sign in.',
  'email-needed':
    'Emailing the link needs the customer’s email address, and this customer is known only by ID. Type their email in the popup.',
  'email-unsupported': 'Appstle can’t email the portal link. Copy it or insert it into the reply instead.',
  'no-subscriptions':
    'Appstle found no subscriptions for that address, so no email was sent. Check the address (the customer may use another one), or copy the link instead.',
  'magic-link-off':
    'Appstle’s magic-link email is turned off for this shop, so no email was sent. Turn on the customer portal magic-link email template in Appstle, or copy the link instead.',
  'magic-link-refused':
    'Appstle refused to email that address (no subscriptions for that address, or the shop’s magic-link email template is off). Check both in Appstle, or copy the link instead.',
  'no-composer': 'No reply box is open on this ticket. Click Reply on the ticket, then try again.',
  'composer-read-only':
    'The reply box can’t be edited right now (a message may be sending). Wait a moment and try again.',
  'insert-failed': 'The reply box didn’t take the link. Copy the link instead and paste it with Ctrl+V (⌘V on a Mac).',
  'ticket-changed':
    'You moved to another ticket before the link was ready: nothing was inserted. Try again on this ticket.',
  'host-unlisted':
    "Insert portal links on That helpdesk account? It is not listed under any store's Helpdesk accounts.",
  internal: 'Something went wrong in Portal Link. Try again.',
};

const allCodes = Object.keys(expectedMessages) as ErrorCode[];
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
  it.each(allCodes)('%s: the agent-facing message names the next step', (code) => {
    const info = errorInfo(new PortalLinkError(code, { provider: 'Appstle' }));
    expect(info).toEqual({ code, message: expectedMessages[code] });
    expect(info.message).not.toMatch(/undefined|null|NaN|\[object/);
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
    expect(info).toEqual({ code: 'internal', message: expectedMessages.internal });
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
