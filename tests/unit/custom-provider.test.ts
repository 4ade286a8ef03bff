/** Custom (HTTP): what an administrator can describe, and the worked example of docs/custom-http-provider.md. */
import { parseMessagesFile } from '@wxt-dev/i18n/build';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../lib/background/link-service';
import { atPath, custom, expiryAt } from '../../lib/providers/custom/index';
import { type CustomStore, customStoreSchema } from '../../lib/providers/custom/settings';
import type { HttpDeps } from '../../lib/providers/http';
import { stayai } from '../../lib/providers/stayai/index';
import { originsToAsk } from '../../lib/settings/drafts';
import { hostFetch } from '../fixtures/host-fetch';
import { CUSTOM_HOST, CUSTOM_KEY, mockCustom, mockStayai, STAYAI_KEY } from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';

const base = { id: 'c1', name: 'Acme custom', helpdeskHosts: [] };
const customStore = (over: Partial<CustomStore> = {}): CustomStore =>
  customStoreSchema.parse({
    ...base,
    provider: 'custom',
    apiKey: CUSTOM_KEY,
    endpointUrl: `https://${CUSTOM_HOST}/v1/portal-links`,
    keyHeader: 'X-Api-Key',
    customerField: 'customer_email',
    linkField: 'data.portal.url',
    expiryField: 'data.portal.expires_at',
    ...over,
  });

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer();
  mockCustom(server);
  mockStayai(server);
});
afterAll(() => server.close());
const http = (): HttpDeps => ({
  fetch: hostFetch(server.port),
  now: () => Date.now(),
  sleep: async () => undefined,
  random: () => 0.5,
  online: () => true,
});

describe('the form speaks the contract’s words', () => {
  it('labels its inputs with the contract’s exact English words', async () => {
    const en = new Map(
      (await parseMessagesFile('locales/en.yml')).map((m) => [m.key.join('.'), 'message' in m ? m.message : '']),
    );
    const words = (key: string) => en.get(key);
    expect(custom.label).toBe('Custom (HTTP)');
    expect(custom.fields.map((f) => words(f.label))).toEqual([
      'Endpoint URL',
      'Method',
      'Key header',
      'Customer field',
      'Send customer as',
      'Link field',
      'Expiry field',
    ]);
    const sendAs = custom.fields.find((f) => f.key === 'sendCustomerAs');
    expect(sendAs?.options?.map((o) => words(o.label))).toEqual(['Email', 'Customer ID']);
  });
});

describe('the settings an administrator gives are checked', () => {
  it.each([
    ['an http endpoint', { endpointUrl: 'http://api.acme.example/x' }],
    ['an endpoint with credentials', { endpointUrl: 'https://u:p@api.acme.example/x' }],
    ['a Host key header', { keyHeader: 'Host' }],
    ['a header name with a space', { keyHeader: 'X Api Key' }],
    ['a customer field with a space', { customerField: 'customer email' }],
    ['a link path with brackets', { linkField: 'data[0].url' }],
    ['a method other than GET and POST', { method: 'PUT' }],
  ])('refuses %s', (_label, over) => {
    expect(customStoreSchema.safeParse({ ...customStore(), ...over }).success).toBe(false);
  });

  it('defaults: POST, the key as Bearer, the customer as email, the whole reply as the link', () => {
    const store = customStoreSchema.parse({
      ...base,
      provider: 'custom',
      apiKey: 'k',
      endpointUrl: 'https://api.acme.example/links',
      customerField: 'email',
    });
    expect(store).toMatchObject({ method: 'POST', keyHeader: 'Authorization', sendCustomerAs: 'email', linkField: '' });
  });

  it('asks for the endpoint’s host when saved, and for no host the manifest already grants', () => {
    expect(originsToAsk([customStore()])).toEqual([`https://${CUSTOM_HOST}/*`]);
    const handMadeStayai = customStore({
      endpointUrl: 'https://api.retextion.com/api/v2/subscriptions/generate-portal-link',
    });
    expect(originsToAsk([handMadeStayai])).toEqual([]);
  });
});

describe('reading the reply', () => {
  it.each([
    ['ISO time', '2031-01-02T03:04:05Z', Date.UTC(2031, 0, 2, 3, 4, 5)],
    ['epoch seconds', 1925000000, 1925000000_000],
    ['epoch milliseconds', 1925000000_000, 1925000000_000],
    ['epoch seconds as digits', '1925000000', 1925000000_000],
  ])('expiry as %s', (_label, value, at) => {
    expect(expiryAt(value, Date.UTC(2030, 0, 1))).toBe(at);
  });

  it('an expiry in the past or unreadable falls back to an hour', () => {
    const now = Date.UTC(2030, 0, 1);
    expect(expiryAt('yesterday', now)).toBe(now + 3600_000);
    expect(expiryAt(1, now)).toBe(now + 3600_000);
  });

  it('dot paths walk objects only, own keys only', () => {
    expect(atPath({ data: { url: 'x' } }, 'data.url')).toBe('x');
    expect(atPath({ data: {} }, 'data.url')).toBeUndefined();
    expect(atPath({ data: 'text' }, 'data.length')).toBeUndefined();
    expect(atPath({}, 'constructor')).toBeUndefined();
  });
});

describe('against the mock, over HTTPS', () => {
  it('POSTs the customer as the JSON field named, with the key in the header named', async () => {
    const link = await custom.issueLink(customStore(), { kind: 'email', email: 'jane@example.com' }, http());
    expect(link.url).toMatch(/^https:\/\/portal\.acme-subscriptions\.example\/c\/12345\?t=\d+$/);
    expect(link.expiresAt).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const sent = server.requestsTo(CUSTOM_HOST).at(-1);
    expect(JSON.parse(sent?.body ?? '')).toEqual({ customer_email: 'jane@example.com' });
    expect(sent?.headers['x-api-key']).toBe(CUSTOM_KEY);
  });

  it('GET sends the customer as a query parameter, and Authorization as Bearer', async () => {
    const store = customStore({ method: 'GET', keyHeader: 'Authorization', customerField: 'email' });
    await custom.issueLink(store, { kind: 'email', email: 'jane@example.com' }, http()).catch(() => undefined);
    const sent = server.requestsTo(CUSTOM_HOST).at(-1);
    expect(sent?.method).toBe('GET');
    expect(new URL(sent?.path ?? '', 'https://x').searchParams.get('email')).toBe('jane@example.com');
    expect(sent?.headers.authorization).toBe(`Bearer ${CUSTOM_KEY}`);
  });

  it('a customer of the other kind is refused before any request', async () => {
    const before = server.requestsTo(CUSTOM_HOST).length;
    await expect(custom.issueLink(customStore(), { kind: 'id', id: '12345' }, http())).rejects.toMatchObject({
      code: 'email-needed',
    });
    expect(server.requestsTo(CUSTOM_HOST).length).toBe(before);
  });

  it('Test connection: a good key is accepted, a wrong one rejected', async () => {
    expect(await testConnection(customStore(), http())).toEqual({ ok: true });
    const rejected = await testConnection(customStore({ apiKey: 'wrong' }), http());
    expect(rejected.ok === false && rejected.error.code).toBe('key-rejected');
  });

  it('worked example: Stay AI configured by hand gives the same link as the built-in provider', async () => {
    const byHand = customStoreSchema.parse({
      ...base,
      provider: 'custom',
      apiKey: STAYAI_KEY,
      endpointUrl: 'https://api.retextion.com/api/v2/subscriptions/generate-portal-link',
      method: 'POST',
      keyHeader: 'X-RETEXTION-ACCESS-TOKEN',
      customerField: 'email',
      sendCustomerAs: 'email',
      linkField: '',
    });
    const query = { kind: 'email', email: 'jane@example.com' } as const;
    const builtIn = await stayai.issueLink({ ...base, provider: 'stayai', apiKey: STAYAI_KEY }, query, http());
    expect((await custom.issueLink(byHand, query, http())).url).toBe(builtIn.url);
  });
});
