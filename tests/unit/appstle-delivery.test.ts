import { describe, expect, it } from 'vitest';
import { customerLabel, emailPortalLink, getPortalLink } from '../../lib/background/link-service';
import { sendPortalLinkEmail } from '../../lib/background/link-source';
import {
  APPSTLE_EMAIL_ENDPOINT,
  APPSTLE_LINK_ENDPOINT,
  appstle,
  magicLinkRefusal,
} from '../../lib/providers/appstle/index';
import { appstleLinkType, appstleStoreSchema, DEFAULT_PORTAL_TEMPLATE } from '../../lib/providers/appstle/settings';
import { gigstack } from '../../lib/providers/gigstack/index';
import { PortalLinkError } from '../../lib/shared/error-codes';
import {
  APPSTLE_KEY,
  appstleStore,
  fakeHttp,
  gigstackStore,
  headersOf,
  json,
  memoryCache,
  NOW,
  own,
  rejectionOf,
  status,
  text,
} from './helpers';

const HOUR = 3600_000;
const linkStore = (overrides = {}) => appstleStore({ linkType: 'appstle', ...overrides });
const LINK = 'https://shop.acme.com/pages/manage-subscriptions?token=abc.def';
const linkReply = (overrides: Record<string, unknown> = {}) =>
  json({ manageSubscriptionLink: LINK, tokenExpirationTime: new Date(NOW + 2 * HOUR).toISOString(), ...overrides });

describe('Link type: which stores get Appstle’s complete link', () => {
  const raw = (overrides: Record<string, unknown>) =>
    appstleStoreSchema.parse({ id: 's', name: 'S', provider: 'appstle', apiKey: 'k', ...overrides });

  it.each<[string, Record<string, unknown>, 'appstle' | 'token']>([
    ['a new store', {}, 'appstle'],
    ['an old store on the default template', { portalUrlTemplate: DEFAULT_PORTAL_TEMPLATE }, 'appstle'],
    ['an old store with its own template', { portalUrlTemplate: 'https://acme.com/portal?t={token}' }, 'token'],
    [
      'an explicit choice wins',
      { portalUrlTemplate: 'https://acme.com/portal?t={token}', linkType: 'appstle' },
      'appstle',
    ],
    ['token chosen on the default template', { linkType: 'token' }, 'token'],
  ])('%s → %s', (_label, overrides, expected) => {
    expect(appstleLinkType(raw(overrides))).toBe(expected);
  });

  it('refuses an unknown link type', () => {
    expect(
      appstleStoreSchema.safeParse({ id: 's', name: 'S', provider: 'appstle', apiKey: 'k', linkType: 'x' }).success,
    ).toBe(false);
  });
});

describe('Appstle’s portal link (manage-subscription-link)', () => {
  it.each<[string, { kind: 'id'; id: string } | { kind: 'email'; email: string }, string]>([
    ['by id', { kind: 'id', id: '12345' }, 'customerId=12345'],
    ['by email (emailId)', { kind: 'email', email: 'jane@example.com' }, 'emailId=jane%40example.com'],
  ])('%s: one GET with the key, the link copied verbatim, Appstle’s expiry', async (_l, query, param) => {
    const http = fakeHttp([linkReply()]);
    const link = await appstle.issueLink(linkStore(), query, http);
    expect(link).toEqual({ url: LINK, expiresAt: NOW + 2 * HOUR });
    expect(http.calls).toHaveLength(1);
    expect(http.calls[0]?.url).toBe(`${APPSTLE_LINK_ENDPOINT}?${param}`);
    expect(headersOf(http.calls[0])['x-api-key']).toBe(APPSTLE_KEY);
  });

  it.each<[string, unknown, number]>([
    ['no expiry', undefined, NOW + 2 * HOUR],
    ['an expiry in the past', new Date(NOW - HOUR).toISOString(), NOW + 2 * HOUR],
    ['an expiry days away', new Date(NOW + 72 * HOUR).toISOString(), NOW + 2 * HOUR],
    ['garbage', 'soon', NOW + 2 * HOUR],
    ['90 minutes', new Date(NOW + 90 * 60_000).toISOString(), NOW + 90 * 60_000],
  ])('expiry: %s', async (_l, tokenExpirationTime, expected) => {
    const link = await appstle.issueLink(
      linkStore(),
      { kind: 'id', id: '1' },
      fakeHttp([linkReply({ tokenExpirationTime })]),
    );
    expect(link.expiresAt).toBe(expected);
  });

  it.each([
    ['http', 'http://shop.acme.com/p?token=x'],
    ['javascript', 'javascript:alert(1)'],
    ['credentials', 'https://user:pw@shop.acme.com/p'],
    ['no dot in host', 'https://localhost/p'],
    ['not a URL', 'manage me'],
  ])('refuses an unsafe link (%s)', async (_l, manageSubscriptionLink) => {
    const error = await rejectionOf(
      appstle.issueLink(linkStore(), { kind: 'id', id: '1' }, fakeHttp([linkReply({ manageSubscriptionLink })])),
    );
    expect(error).toMatchObject({ code: 'unsafe-link' });
  });

  it('a reply without the link is a bad response', async () => {
    const error = await rejectionOf(
      appstle.issueLink(linkStore(), { kind: 'id', id: '1' }, fakeHttp([json({ token: 'x' })])),
    );
    expect(error).toMatchObject({ code: 'bad-response' });
  });

  it('the link service names the customer by the email used, else the helpdesk’s email, else the id', async () => {
    const deps = { http: fakeHttp([linkReply()]), cache: memoryCache() };
    expect((await getPortalLink(linkStore(), 'jane@example.com', deps)).customer).toBe('jane@example.com');
    expect(customerLabel({ kind: 'id', id: '12345' }, { email: 'jane@example.com', shopify: [{ id: '12345' }] })).toBe(
      'jane@example.com',
    );
    expect(customerLabel({ kind: 'id', id: '12345' }, '12345')).toBe('12345');
  });
});

describe('Email portal link (subscription-contracts-email-magic-link)', () => {
  it('one GET for the address; nothing copied, nothing cached', async () => {
    const http = fakeHttp([text('Email triggered successfully.')]);
    expect(await emailPortalLink(linkStore(), { email: 'jane@example.com' }, http)).toEqual({
      to: 'jane@example.com',
    });
    expect(http.calls.map((c) => c.url)).toEqual([`${APPSTLE_EMAIL_ENDPOINT}?email=jane%40example.com`]);
    expect(headersOf(http.calls[0])['x-api-key']).toBe(APPSTLE_KEY);
  });

  it.each([500, 502, 503, 429])('a %s is never retried (the request sends mail)', async (code) => {
    const http = fakeHttp([status(code, { 'retry-after': '1' }), text('Email triggered successfully.')]);
    const error = await rejectionOf(emailPortalLink(linkStore(), 'jane@example.com', http));
    expect(error).toBeInstanceOf(PortalLinkError);
    expect(http.calls).toHaveLength(1);
    expect(http.sleeps).toEqual([]);
  });

  it.each<[string, string, string]>([
    [
      'no subscriptions',
      JSON.stringify({ title: 'Bad Request', detail: 'No subscription found for this email' }),
      'no-subscriptions',
    ],
    ['template off', JSON.stringify({ message: 'Magic link email template is disabled' }), 'magic-link-off'],
    ['unexplained', '', 'magic-link-refused'],
  ])('400 (%s) → %s, naming the address', async (_l, body, code) => {
    const http = fakeHttp([text(body, 400)]);
    const error = (await rejectionOf(emailPortalLink(linkStore(), 'jane@example.com', http))) as PortalLinkError;
    expect(error.code).toBe(code);
    expect(error.context.customer).toBe('jane@example.com');
    expect(http.calls).toHaveLength(1);
  });

  it('magicLinkRefusal reads plain-text bodies too', () => {
    expect(magicLinkRefusal('Customer portal magic link template not enabled', 'a@b.co').code).toBe('magic-link-off');
  });

  it.each<[string, unknown, string]>([
    ['a customer known only by id', { shopify: [{ id: '12345' }] }, 'email-needed'],
    ['a typed id', '12345', 'email-needed'],
    ['typed garbage', 'Jane Doe', 'invalid-customer'],
  ])('%s → %s, no request', async (_l, customer, code) => {
    const http = fakeHttp([text('Email triggered successfully.')]);
    const error = await rejectionOf(emailPortalLink(linkStore(), customer as string, http));
    expect(error).toMatchObject({ code });
    expect(http.calls).toHaveLength(0);
  });

  it('gigstack stores can’t email', async () => {
    expect(gigstack.emailLink).toBeUndefined();
    const http = fakeHttp([json({})]);
    await expect(
      sendPortalLinkEmail({ http, cache: memoryCache() }, own(gigstackStore()), 'jane@example.com'),
    ).rejects.toMatchObject({
      code: 'email-unsupported',
    });
    expect(http.calls).toHaveLength(0);
  });
});
