/**
 * One contract, every provider: the same cases run against each provider in the registry, over real
 * HTTPS to its mock (tests/fixtures/mock-providers.ts) under its production host name. A provider
 * added to the registry without an entry here fails the first test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emailPortalLink } from '../../lib/background/link-service';
import type { HttpDeps } from '../../lib/providers/http';
import { providerFor, providerList, type Store } from '../../lib/providers/registry';
import { toView } from '../../lib/settings/schema';
import type { CustomerQuery } from '../../lib/shared/customer';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { hostFetch } from '../fixtures/host-fetch';
import {
  APPSTLE_KEY,
  CUSTOM_HOST,
  CUSTOM_KEY,
  type Fault,
  GIGSTACK_KEY,
  mockAppstle,
  mockCustom,
  mockGigstack,
  mockStayai,
  type ProviderMock,
  SHOP_PUBLIC_PORTAL,
  STAYAI_KEY,
  STAYAI_PORTAL,
} from '../fixtures/mock-providers';
import { type MockServer, startMockServer } from '../fixtures/mock-server';

interface Contract {
  store: (apiKey: string) => Store;
  key: string;
  mock: (server: MockServer) => ProviderMock;
  /** A customer the mock knows, and one it does not. */
  known: CustomerQuery;
  unknown: CustomerQuery;
  /** A 2xx reply carrying this link, in the provider's own reply shape. */
  replyWith: (link: string) => Fault;
  /** A link the provider delivers as it is. */
  goodLink: string;
  /** A link the provider must refuse to deliver (wrong host, or not https where any host is fine). */
  wrongLink: string;
  /** The provider emails the link (Appstle): an address the mock knows. */
  email?: string;
}

const base = { id: 'contract', name: 'Contract store', helpdeskHosts: [] as string[] };
const inTwoHours = () => new Date(Date.now() + 2 * 3600_000).toISOString();

const contracts: Record<string, Contract> = {
  appstle: {
    store: (apiKey) => ({ ...base, provider: 'appstle', apiKey, linkType: 'appstle', portalUrlTemplate: '' }) as Store,
    key: APPSTLE_KEY,
    mock: (server) => mockAppstle(server),
    known: { kind: 'email', email: 'jane@example.com' },
    unknown: { kind: 'email', email: 'nobody@example.com' },
    replyWith: (link) => ({ status: 200, body: { manageSubscriptionLink: link, tokenExpirationTime: inTwoHours() } }),
    goodLink: `${SHOP_PUBLIC_PORTAL}?token=contract`,
    wrongLink: 'http://acme-goods.com/pages/manage-subscriptions?token=t',
    email: 'jane@example.com',
  },
  gigstack: {
    store: (apiKey) => ({ ...base, provider: 'gigstack', apiKey }) as Store,
    key: GIGSTACK_KEY,
    mock: (server) => mockGigstack(server),
    known: { kind: 'id', id: 'client_jane01' },
    unknown: { kind: 'id', id: 'client_nobody' },
    replyWith: (link) => ({ status: 200, body: { data: { url: link, expires_at: Date.now() + 3600_000 } } }),
    goodLink: 'https://portal.gigstack.io/session/contract',
    wrongLink: 'https://portal.gigstack.io.evil.example/session/x',
  },
  stayai: {
    store: (apiKey) => ({ ...base, provider: 'stayai', apiKey }) as Store,
    key: STAYAI_KEY,
    mock: (server) => mockStayai(server),
    known: { kind: 'id', id: '+15550100199' },
    unknown: { kind: 'email', email: 'nobody@example.com' },
    replyWith: (link) => (res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(link),
    goodLink: `${STAYAI_PORTAL}?token=contract`,
    wrongLink: 'http://acme-goods.com/pages/subscriptions?token=t',
  },
  custom: {
    store: (apiKey) =>
      ({
        ...base,
        provider: 'custom',
        apiKey,
        endpointUrl: `https://${CUSTOM_HOST}/v1/portal-links`,
        method: 'POST',
        keyHeader: 'X-Api-Key',
        customerField: 'customer_email',
        sendCustomerAs: 'email',
        linkField: 'data.portal.url',
        expiryField: 'data.portal.expires_at',
      }) as Store,
    key: CUSTOM_KEY,
    mock: (server) => mockCustom(server),
    known: { kind: 'email', email: 'jane@example.com' },
    unknown: { kind: 'email', email: 'nobody@example.com' },
    replyWith: (link) => ({ status: 200, body: { data: { portal: { url: link } } } }),
    goodLink: 'https://portal.acme-subscriptions.example/c/contract',
    wrongLink: 'http://portal.acme-subscriptions.example/c/contract',
  },
};

let server: MockServer;
let shortBudgetMs: number | undefined;
const mocks = new Map<string, ProviderMock>();
const sleeps: number[] = [];

beforeAll(async () => {
  server = await startMockServer();
  for (const [id, contract] of Object.entries(contracts)) mocks.set(id, contract.mock(server));
});
afterAll(() => server.close());
beforeEach(() => {
  shortBudgetMs = undefined;
  sleeps.length = 0;
  for (const mock of mocks.values()) mock.reset();
});

const http = (): HttpDeps => ({
  fetch: hostFetch(server.port, { timeoutMs: () => shortBudgetMs }),
  now: () => Date.now(),
  // Waits are recorded, not slept: Retry-After is asserted, not waited for.
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  random: () => 0.5,
  online: () => true,
});

async function failure(promise: Promise<unknown>): Promise<PortalLinkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortalLinkError);
  return error as PortalLinkError;
}

it('every provider in the registry has a contract entry', () => {
  expect(providerList.map((p) => p.id).sort()).toEqual(Object.keys(contracts).sort());
});

describe.each(Object.entries(contracts))('%s', (id, c) => {
  const provider = providerFor(c.store(c.key));
  const mock = () => mocks.get(id) as ProviderMock;
  const issue = (store: Store, query: CustomerQuery) => provider.issueLink(store, query, http());

  it('good key: an https link that expires later', async () => {
    const link = await issue(c.store(c.key), c.known);
    expect(new URL(link.url).protocol).toBe('https:');
    expect(link.expiresAt).toBeGreaterThan(Date.now());
  });

  it('revoked key: key-rejected, and the key appears in no error text', async () => {
    const error = await failure(issue(c.store('revoked-key-0000'), c.known));
    expect(error.code).toBe('key-rejected');
    expect(JSON.stringify({ message: error.message, context: error.context })).not.toContain('revoked-key-0000');
  });

  it('unknown customer: customer-not-found, which Test connection reads as "key accepted"', async () => {
    expect((await failure(issue(c.store(c.key), c.unknown))).code).toBe('customer-not-found');
  });

  it('429 with Retry-After: waits that long, then the link', async () => {
    mock().fail({ status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '2' } });
    const link = await issue(c.store(c.key), c.known);
    expect(link.url).toMatch(/^https:/);
    expect(sleeps).toEqual([2000]);
    expect(mock().requests().length).toBeGreaterThanOrEqual(2);
  });

  it('429 with a Retry-After beyond the budget: rate-limited, with the wait', async () => {
    mock().fail({ status: 429, body: {}, headers: { 'retry-after': '60' } });
    const error = await failure(issue(c.store(c.key), c.known));
    expect(error.code).toBe('rate-limited');
    expect(error.context.retryAfterS).toBe(60);
  });

  it('5xx: provider-down', async () => {
    mock().fail({ status: 503, body: '<h1>down</h1>' }, { status: 503, body: '' }, { status: 502, body: '' });
    expect((await failure(issue(c.store(c.key), c.known))).code).toBe('provider-down');
  });

  it('timeout: a hanging provider ends as timeout', async () => {
    shortBudgetMs = 300;
    mock().fail('hang');
    expect((await failure(issue(c.store(c.key), c.known))).code).toBe('timeout');
  });

  it('malformed reply: bad-response', async () => {
    mock().fail({ status: 200, body: '<html>maintenance</html>' });
    expect((await failure(issue(c.store(c.key), c.known))).code).toBe('bad-response');
  });

  it('a link where it must not point: unsafe-link, never delivered', async () => {
    mock().fail(c.replyWith(c.wrongLink));
    expect((await failure(issue(c.store(c.key), c.known))).code).toBe('unsafe-link');
  });

  it('a link where it may point: delivered exactly as the provider gave it', async () => {
    mock().fail(c.replyWith(c.goodLink));
    expect((await issue(c.store(c.key), c.known)).url).toBe(c.goodLink);
  });

  // Built from the provider's capability: every provider runs the email case that applies to it.
  const { emailLink } = provider;
  if (emailLink) {
    it('email: the provider emails the customer (one request, never retried)', async () => {
      if (!c.email) throw new Error(`${id} can email: give its contract an email address`);
      await emailLink.call(provider, c.store(c.key), c.email, http());
      mock().fail({ status: 503, body: '' }, { status: 503, body: '' });
      const before = mock().requests().length;
      expect((await failure(emailLink.call(provider, c.store(c.key), c.email, http()))).code).toBe('provider-down');
      expect(mock().requests().length - before).toBe(1);
    });
  } else {
    it('email: not offered, and an email asked for anyway is refused before any request', async () => {
      expect(c.email).toBeUndefined();
      expect(toView({ stores: [{ ...c.store(c.key), keySource: 'browser' }] }).stores[0]?.canEmail).toBeUndefined();
      const before = mock().requests().length;
      const refused = await failure(emailPortalLink(c.store(c.key), 'jane@example.com', http()));
      expect(refused.code).toBe('email-unsupported');
      expect(mock().requests().length).toBe(before);
    });
  }
});
