import { APPSTLE_KEY, GIGSTACK_KEY, SHOP } from '../../fixtures/mock-providers';

export const DEFAULT_TEMPLATE = 'https://{storeDomain}/tools/recurring/customer_portal?token={token}';

export function appstleStore(overrides: Record<string, unknown> = {}) {
  return {
    id: 'store-a',
    name: 'Acme',
    provider: 'appstle',
    apiKey: APPSTLE_KEY,
    storeDomain: SHOP,
    portalUrlTemplate: DEFAULT_TEMPLATE,
    // Most suites test the token mode; tests/e2e/deliver*.e2e.test.ts cover Appstle's own link (the default).
    linkType: 'token',
    helpdeskHosts: [],
    ...overrides,
  };
}

export function gigstackStore(overrides: Record<string, unknown> = {}) {
  return {
    id: 'store-g',
    name: 'Factura MX',
    provider: 'gigstack',
    apiKey: GIGSTACK_KEY,
    helpdeskHosts: [],
    ...overrides,
  };
}
