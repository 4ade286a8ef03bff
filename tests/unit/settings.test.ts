import { describe, expect, it } from 'vitest';
import { appstleStoreSchema, DEFAULT_PORTAL_TEMPLATE } from '../../lib/providers/appstle/settings';
import { gigstackStoreSchema } from '../../lib/providers/gigstack/settings';
import { type Store, storeSchema } from '../../lib/providers/registry';
import { hostClashes } from '../../lib/providers/store-fields';
import {
  EMPTY_SETTINGS,
  maskKey,
  mergeKeys,
  parseHelpdeskHosts,
  type Settings,
  settingsSchema,
  toView,
} from '../../lib/settings/schema';
import { defaultStore, hostOfUrl, resolveStore } from '../../lib/settings/store-resolution';
import { APPSTLE_KEY, appstleStore, GIGSTACK_KEY, gigstackStore, ownSettings } from './helpers';

const rawAppstle = (overrides: Record<string, unknown> = {}) => ({
  id: 'a',
  name: 'Acme',
  provider: 'appstle',
  apiKey: APPSTLE_KEY,
  ...overrides,
});
const rawGigstack = (overrides: Record<string, unknown> = {}) => ({
  id: 'g',
  name: 'Beta',
  provider: 'gigstack',
  apiKey: GIGSTACK_KEY,
  ...overrides,
});

describe('storeSchema: valid stores and normalisation', () => {
  it('fills defaults for an Appstle store', () => {
    expect(storeSchema.parse(rawAppstle())).toEqual({
      id: 'a',
      name: 'Acme',
      provider: 'appstle',
      apiKey: APPSTLE_KEY,
      helpdeskHosts: [],
      portalUrlTemplate: DEFAULT_PORTAL_TEMPLATE,
    });
  });

  it('fills defaults for a gigstack store', () => {
    expect(storeSchema.parse(rawGigstack())).toEqual({
      id: 'g',
      name: 'Beta',
      provider: 'gigstack',
      apiKey: GIGSTACK_KEY,
      helpdeskHosts: [],
    });
  });

  it.each<[string, Record<string, unknown>, Partial<Store>]>([
    [
      'host names are trimmed and lowercased',
      rawAppstle({ helpdeskHosts: [' ACME.Zendesk.COM ', 'Support.Gorgias.com'] }),
      { helpdeskHosts: ['acme.zendesk.com', 'support.gorgias.com'] },
    ],
    [
      'the store domain is lowercased',
      rawAppstle({ storeDomain: 'Acme-Shop.MyShopify.com' }),
      { storeDomain: 'acme-shop.myshopify.com' },
    ],
    ['an empty store domain is allowed', rawAppstle({ storeDomain: '' }), { storeDomain: '' }],
    ['the name is trimmed', rawAppstle({ name: '  Acme EU  ' }), { name: 'Acme EU' }],
    ['the key is trimmed', rawAppstle({ apiKey: `  ${APPSTLE_KEY}\n` }), { apiKey: APPSTLE_KEY }],
    ['an empty key is allowed (means "keep the saved one")', rawAppstle({ apiKey: '' }), { apiKey: '' }],
    ['a blank key becomes empty', rawAppstle({ apiKey: '   ' }), { apiKey: '' }],
    [
      'a custom https template with {token}',
      rawAppstle({ portalUrlTemplate: ' https://portal.acme.com/p?t={token} ' }),
      { portalUrlTemplate: 'https://portal.acme.com/p?t={token}' } as Partial<Store>,
    ],
    ['the gigstack team is trimmed', rawGigstack({ team: ' team_A-1 ' }), { team: 'team_A-1' } as Partial<Store>],
    ['an empty team is allowed', rawGigstack({ team: '' }), { team: '' } as Partial<Store>],
    ['a 64-character id', rawAppstle({ id: 'i'.repeat(64) }), { id: 'i'.repeat(64) }],
    ['an 80-character name', rawAppstle({ name: 'n'.repeat(80) }), { name: 'n'.repeat(80) }],
    ['50 helpdesk hosts', rawAppstle({ helpdeskHosts: Array.from({ length: 50 }, (_, i) => `h${i}.zendesk.com`) }), {}],
    ['a 253-character host', rawAppstle({ helpdeskHosts: [`${'a'.repeat(63)}.`.repeat(3) + 'c'.repeat(61)] }), {}],
    [
      'a punycode host',
      rawAppstle({ helpdeskHosts: ['xn--tienda-ua.zendesk.com'] }),
      { helpdeskHosts: ['xn--tienda-ua.zendesk.com'] },
    ],
  ])('%s', (_label, input, expected) => {
    const parsed = storeSchema.parse(input);
    expect(parsed).toMatchObject(expected);
  });

  it('drops unknown fields', () => {
    const parsed = storeSchema.parse(rawAppstle({ evil: '<script>', __proto__x: 1 }));
    expect(parsed).not.toHaveProperty('evil');
    expect(parsed).not.toHaveProperty('__proto__x');
  });

  it('the provider schemas are usable alone', () => {
    expect(appstleStoreSchema.safeParse(rawAppstle()).success).toBe(true);
    expect(appstleStoreSchema.safeParse(rawGigstack()).success).toBe(false);
    expect(gigstackStoreSchema.safeParse(rawGigstack()).success).toBe(true);
    expect(gigstackStoreSchema.safeParse(rawAppstle()).success).toBe(false);
  });
});

describe('storeSchema: invalid stores', () => {
  it.each<[string, unknown]>([
    ['no provider', { id: 'a', name: 'A', apiKey: '' }],
    ['an unknown provider', rawAppstle({ provider: 'recharge' })],
    ['an empty id', rawAppstle({ id: '' })],
    ['a 65-character id', rawAppstle({ id: 'i'.repeat(65) })],
    ['an empty name', rawAppstle({ name: '' })],
    ['a blank name', rawAppstle({ name: '   ' })],
    ['an 81-character name', rawAppstle({ name: 'n'.repeat(81) })],
    ['no key field', { id: 'a', name: 'A', provider: 'appstle' }],
    ['a key over 512 characters', rawAppstle({ apiKey: 'k'.repeat(513) })],
    ['a numeric key', rawAppstle({ apiKey: 12345 })],
    ['a host with a scheme', rawAppstle({ helpdeskHosts: ['https://acme.zendesk.com'] })],
    ['a host with a path', rawAppstle({ helpdeskHosts: ['acme.zendesk.com/agent'] })],
    ['a host with a port', rawAppstle({ helpdeskHosts: ['acme.zendesk.com:443'] })],
    ['a host without a dot', rawAppstle({ helpdeskHosts: ['localhost'] })],
    ['a host with an underscore', rawAppstle({ helpdeskHosts: ['a_b.zendesk.com'] })],
    ['a host starting with a hyphen', rawAppstle({ helpdeskHosts: ['-acme.zendesk.com'] })],
    ['a host with a numeric TLD', rawAppstle({ helpdeskHosts: ['10.0.0.1'] })],
    ['a host with a wildcard', rawAppstle({ helpdeskHosts: ['*.zendesk.com'] })],
    ['a host with non-ASCII letters', rawAppstle({ helpdeskHosts: ['tiendá.zendesk.com'] })],
    ['a host with spaces inside', rawAppstle({ helpdeskHosts: ['acme zendesk.com'] })],
    ['comma-separated hosts in one entry', rawAppstle({ helpdeskHosts: ['a.zendesk.com,b.zendesk.com'] })],
    ['a 63+ character label', rawAppstle({ helpdeskHosts: [`${'a'.repeat(64)}.zendesk.com`] })],
    ['a 254-character host', rawAppstle({ helpdeskHosts: [`${'a'.repeat(63)}.`.repeat(3) + 'c'.repeat(62)] })],
    ['51 hosts', rawAppstle({ helpdeskHosts: Array.from({ length: 51 }, (_, i) => `h${i}.zendesk.com`) })],
    ['hosts not an array', rawAppstle({ helpdeskHosts: 'acme.zendesk.com' })],
    ['a store domain with a scheme', rawAppstle({ storeDomain: 'https://acme.myshopify.com' })],
    ['a store domain without a dot', rawAppstle({ storeDomain: 'acme' })],
    ['a store domain with a path', rawAppstle({ storeDomain: 'acme.myshopify.com/admin' })],
    ['an http template', rawAppstle({ portalUrlTemplate: 'http://{storeDomain}/portal?token={token}' })],
    ['a javascript: template', rawAppstle({ portalUrlTemplate: 'javascript:alert("{token}")' })],
    ['a template without {token}', rawAppstle({ portalUrlTemplate: 'https://{storeDomain}/portal' })],
    ['an empty template', rawAppstle({ portalUrlTemplate: '' })],
    ['a team with a space', rawGigstack({ team: 'team a' })],
    ['a team with a slash', rawGigstack({ team: 'team/../x' })],
    ['a team with an ampersand', rawGigstack({ team: 'a&b=c' })],
    ['a team over 128 characters', rawGigstack({ team: 't'.repeat(129) })],
    ['null', null],
    ['a string', 'appstle'],
  ])('rejects %s', (_label, input) => {
    expect(storeSchema.safeParse(input).success).toBe(false);
  });

  it('explains a bad host name in words an admin understands', () => {
    const result = storeSchema.safeParse(rawAppstle({ helpdeskHosts: ['https://acme.zendesk.com'] }));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain('Use a host name such as acme.zendesk.com');
  });

  // An empty Store domain means "use the token's shop"; a blank one must mean the same (a blank
  // Team is trimmed to "" too), not fail the host-name check.
  it('a blank store domain is treated like an empty one', () => {
    expect(storeSchema.parse(rawAppstle({ storeDomain: '   ' }))).toMatchObject({ storeDomain: '' });
  });

  it('explains a bad template', () => {
    const result = storeSchema.safeParse(rawAppstle({ portalUrlTemplate: 'http://x/{token}' }));
    expect(result.error?.issues.map((i) => i.message)).toContain(
      'The template must start with https:// and contain {token}',
    );
  });
});

describe('settingsSchema', () => {
  it.each<[string, unknown]>([
    ['no stores', { stores: [] }],
    ['one store and a default', { stores: [rawAppstle()], defaultStoreId: 'a' }],
    [
      'two stores, different hosts',
      { stores: [rawAppstle({ helpdeskHosts: ['a.zendesk.com'] }), rawGigstack({ helpdeskHosts: ['b.zendesk.com'] })] },
    ],
    [
      'the same host twice in one store',
      { stores: [rawAppstle({ helpdeskHosts: ['a.zendesk.com', 'A.zendesk.com'] })] },
    ],
    ['a default that names no store (resolved later)', { stores: [rawAppstle()], defaultStoreId: 'gone' }],
    ['50 stores', { stores: Array.from({ length: 50 }, (_, i) => rawAppstle({ id: `s${i}` })) }],
  ])('accepts %s', (_label, input) => {
    expect(settingsSchema.safeParse(input).success).toBe(true);
  });

  it.each<[string, unknown, string]>([
    [
      'a helpdesk host in two stores',
      {
        stores: [
          rawAppstle({ helpdeskHosts: ['acme.zendesk.com'] }),
          rawGigstack({ helpdeskHosts: ['acme.zendesk.com'] }),
        ],
      },
      'acme.zendesk.com is already used by another store',
    ],
    [
      'a host in two stores differing only in case and spaces',
      {
        stores: [
          rawAppstle({ helpdeskHosts: ['Acme.Zendesk.com'] }),
          rawGigstack({ helpdeskHosts: [' acme.zendesk.COM'] }),
        ],
      },
      'acme.zendesk.com is already used by another store',
    ],
    [
      'a host in the first and third of three stores',
      {
        stores: [
          rawAppstle({ id: 's1', helpdeskHosts: ['x.gorgias.com'] }),
          rawAppstle({ id: 's2', helpdeskHosts: ['y.gorgias.com'] }),
          rawGigstack({ id: 's3', helpdeskHosts: ['z.gorgias.com', 'x.gorgias.com'] }),
        ],
      },
      'x.gorgias.com is already used by another store',
    ],
    [
      'duplicate store ids',
      { stores: [rawAppstle({ id: 'same' }), rawGigstack({ id: 'same' })] },
      'Store ids must be unique',
    ],
  ])('rejects %s', (_label, input, message) => {
    const result = settingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(message);
  });

  it.each<[string, unknown]>([
    ['51 stores', { stores: Array.from({ length: 51 }, (_, i) => rawAppstle({ id: `s${i}` })) }],
    ['no stores field', {}],
    ['stores not an array', { stores: 'a' }],
    ['an invalid store inside', { stores: [rawAppstle({ provider: 'x' })] }],
    ['a numeric default', { stores: [], defaultStoreId: 1 }],
    ['null', null],
  ])('rejects %s', (_label, input) => {
    expect(settingsSchema.safeParse(input).success).toBe(false);
  });

  it('EMPTY_SETTINGS is valid and empty', () => {
    expect(settingsSchema.parse(EMPTY_SETTINGS)).toEqual({ stores: [] });
  });
});

describe('resolveStore and defaultStore', () => {
  const a = appstleStore({ id: 'a', helpdeskHosts: ['acme.zendesk.com', 'acme-eu.zendesk.com'] });
  const b = gigstackStore({ id: 'b', helpdeskHosts: ['beta.gorgias.com'] });
  const c = appstleStore({ id: 'c', helpdeskHosts: [] });
  const withDefault: Settings = { stores: [a, b, c], defaultStoreId: 'c' };
  const noDefault: Settings = { stores: [a, b, c] };
  const danglingDefault: Settings = { stores: [a, b, c], defaultStoreId: 'removed' };

  it.each<[string, Settings, string | undefined, string | undefined]>([
    ['a mapped host', withDefault, 'beta.gorgias.com', 'b'],
    ['a mapped host in other case', withDefault, 'BETA.Gorgias.COM', 'b'],
    ['the second host of a store', withDefault, 'acme-eu.zendesk.com', 'a'],
    ['an unmapped host → the default', withDefault, 'other.zendesk.com', 'c'],
    ['no host → the default', withDefault, undefined, 'c'],
    ['an empty host → the default', withDefault, '', 'c'],
    ['a look-alike host is not mapped', withDefault, 'beta.gorgias.com.evil.com', 'c'],
    ['a parent domain is not mapped', withDefault, 'gorgias.com', 'c'],
    ['no default → the first store', noDefault, 'other.zendesk.com', 'a'],
    ['a dangling default → the first store', danglingDefault, undefined, 'a'],
    ['a mapped host beats the default', noDefault, 'beta.gorgias.com', 'b'],
    ['no stores', EMPTY_SETTINGS, 'acme.zendesk.com', undefined],
  ])('%s', (_label, settings, host, expectedId) => {
    expect(resolveStore(settings, host)?.id).toBe(expectedId);
  });

  it.each<[Settings, string | undefined]>([
    [withDefault, 'c'],
    [noDefault, 'a'],
    [danglingDefault, 'a'],
    [EMPTY_SETTINGS, undefined],
  ])('defaultStore(%#) → %s', (settings, expectedId) => {
    expect(defaultStore(settings)?.id).toBe(expectedId);
  });
});

describe('maskKey', () => {
  it.each([
    ['', ''],
    ['a', '••••'],
    ['abc', '••••'],
    ['12345678901', '••••'],
    ['abcdefgh1234', '•••• 1234'],
    [APPSTLE_KEY, `•••• ${APPSTLE_KEY.slice(-4)}`],
    ['x'.repeat(512), '•••• xxxx'],
  ])('%j → %j', (key, expected) => {
    expect(maskKey(key)).toBe(expected);
  });

  it.each([APPSTLE_KEY, GIGSTACK_KEY, 'short-key', 'abcdefgh1234'])(
    'never shows more than 4 characters of %j',
    (key) => {
      const mask = maskKey(key);
      expect(mask).not.toContain(key.slice(0, 5));
      expect(mask.replace(/[•\s]/g, '').length).toBeLessThanOrEqual(4);
    },
  );
});

describe('toView', () => {
  it('replaces every key by its mask and keeps the rest', () => {
    const a = appstleStore({ id: 'a', storeDomain: 'acme.myshopify.com' });
    const b = gigstackStore({ id: 'b', team: 'team1', apiKey: '' });
    const view = toView(ownSettings({ stores: [a, b], defaultStoreId: 'b' }));
    expect(view.defaultStoreId).toBe('b');
    expect(view.stores).toEqual([
      {
        id: 'a',
        name: a.name,
        provider: 'appstle',
        helpdeskHosts: a.helpdeskHosts,
        storeDomain: 'acme.myshopify.com',
        portalUrlTemplate: DEFAULT_PORTAL_TEMPLATE,
        linkType: 'token',
        keySource: 'browser',
        canEmail: true,
        apiKeyMask: maskKey(APPSTLE_KEY),
      },
      {
        id: 'b',
        name: b.name,
        provider: 'gigstack',
        helpdeskHosts: b.helpdeskHosts,
        team: 'team1',
        keySource: 'browser',
        apiKeyMask: '',
      },
    ]);
    for (const store of view.stores) expect(store).not.toHaveProperty('apiKey');
    expect(JSON.stringify(view)).not.toContain(APPSTLE_KEY);
  });

  it('does not mutate the settings', () => {
    const settings: Settings = { stores: [appstleStore()] };
    toView(ownSettings(settings));
    expect(settings.stores[0]?.apiKey).toBe(APPSTLE_KEY);
  });
});

describe('mergeKeys', () => {
  const saved: Settings = {
    stores: [
      appstleStore({ id: 'a', apiKey: 'saved-key-a-1234' }),
      gigstackStore({ id: 'b', apiKey: 'saved-key-b-5678' }),
    ],
  };

  it.each<[string, Store, string]>([
    ['an empty key keeps the saved key', appstleStore({ id: 'a', apiKey: '' }), 'saved-key-a-1234'],
    ['a new key replaces the saved key', appstleStore({ id: 'a', apiKey: 'new-key-a-0000' }), 'new-key-a-0000'],
    ['keys are matched by store id', gigstackStore({ id: 'b', apiKey: '' }), 'saved-key-b-5678'],
    ['a new store with an empty key stays empty', appstleStore({ id: 'new', apiKey: '' }), ''],
    ['a renamed id does not inherit a key', appstleStore({ id: 'a2', apiKey: '' }), ''],
  ])('%s', (_label, incoming, expectedKey) => {
    const merged = mergeKeys({ stores: [incoming] }, saved);
    expect(merged.stores).toHaveLength(1);
    expect(merged.stores[0]?.apiKey).toBe(expectedKey);
    expect(merged.stores[0]?.id).toBe(incoming.id);
  });

  it('keeps the other fields and the default, and mutates nothing', () => {
    const incoming: Settings = {
      stores: [appstleStore({ id: 'a', apiKey: '', name: 'Renamed', helpdeskHosts: ['x.zendesk.com'] })],
      defaultStoreId: 'a',
    };
    const snapshot = structuredClone(incoming);
    const savedSnapshot = structuredClone(saved);
    const merged = mergeKeys(incoming, saved);
    expect(merged).toEqual({
      defaultStoreId: 'a',
      stores: [{ ...incoming.stores[0], apiKey: 'saved-key-a-1234' }],
    });
    expect(incoming).toEqual(snapshot);
    expect(saved).toEqual(savedSnapshot);
  });

  it('drops stores that are no longer sent', () => {
    const merged = mergeKeys({ stores: [gigstackStore({ id: 'b', apiKey: '' })] }, saved);
    expect(merged.stores.map((s) => s.id)).toEqual(['b']);
  });

  // A store whose Provider is switched (same id, key field left empty) must not keep the other
  // provider's key: it would be sent to the new provider (see router.test.ts).
  it('a store whose provider changed does not inherit the other provider key', () => {
    const merged = mergeKeys({ stores: [gigstackStore({ id: 'a', apiKey: '' })] }, saved);
    expect(merged.stores[0]?.provider).toBe('gigstack');
    expect(merged.stores[0]?.apiKey).toBe('');
  });
});

describe('hostClashes', () => {
  it.each<[string, { id: string; helpdeskHosts: string[] }[], { host: string; first: string; second: string }[]]>([
    [
      'none',
      [
        { id: 'a', helpdeskHosts: ['a.zendesk.com'] },
        { id: 'b', helpdeskHosts: ['b.zendesk.com'] },
      ],
      [],
    ],
    ['a host twice in one store is not a clash', [{ id: 'a', helpdeskHosts: ['a.zendesk.com', 'a.zendesk.com'] }], []],
    [
      'a host in two stores',
      [
        { id: 'a', helpdeskHosts: ['x.zendesk.com'] },
        { id: 'b', helpdeskHosts: ['y.zendesk.com', 'x.zendesk.com'] },
      ],
      [{ host: 'x.zendesk.com', first: 'a', second: 'b' }],
    ],
    [
      'a host in three stores: both later ones name the first',
      [
        { id: 'a', helpdeskHosts: ['x.zendesk.com'] },
        { id: 'b', helpdeskHosts: ['x.zendesk.com'] },
        { id: 'c', helpdeskHosts: ['x.zendesk.com'] },
      ],
      [
        { host: 'x.zendesk.com', first: 'a', second: 'b' },
        { host: 'x.zendesk.com', first: 'a', second: 'c' },
      ],
    ],
  ])('%s', (_label, stores, expected) => {
    expect(hostClashes(stores)).toEqual(expected);
  });
});

describe('parseHelpdeskHosts (the Helpdesk accounts field)', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['   ', []],
    ['acme.zendesk.com', ['acme.zendesk.com']],
    ['acme.zendesk.com, brand.gorgias.com', ['acme.zendesk.com', 'brand.gorgias.com']],
    ['acme.zendesk.com,brand.gorgias.com,', ['acme.zendesk.com', 'brand.gorgias.com']],
    ['ACME.Zendesk.COM', ['acme.zendesk.com']],
    ['acme.zendesk.com acme.zendesk.com', ['acme.zendesk.com']],
    ['acme.zendesk.com\nbrand.gorgias.com', ['acme.zendesk.com', 'brand.gorgias.com']],
    ['https://acme.zendesk.com/agent/tickets/1', ['acme.zendesk.com']],
    ['acme.zendesk.com/agent', ['acme.zendesk.com']],
    ['support.acme-shop.com', ['support.acme-shop.com']],
  ])('%j → %j', (text, hosts) => {
    expect(parseHelpdeskHosts(text)).toEqual({ ok: true, hosts });
  });

  it.each<[string, string]>([
    ['acme', 'acme'],
    ['acme.zendesk.com, not a host', 'not'],
    ['acme_zendesk.com', 'acme_zendesk.com'],
    ['acme.zendesk.com:8443', 'acme.zendesk.com:8443'],
    ['*.zendesk.com', '*.zendesk.com'],
    ['javascript:alert(1)', 'javascript:alert(1)'],
  ])('%j is refused, naming %j', (text, invalid) => {
    expect(parseHelpdeskHosts(text)).toEqual({ ok: false, invalid });
  });
});

describe('hostOfUrl', () => {
  it.each<[string | undefined, string | undefined]>([
    ['https://Acme.Zendesk.com/agent/tickets/1', 'acme.zendesk.com'],
    ['https://acme.zendesk.com:443/', 'acme.zendesk.com'],
    ['chrome://newtab/', 'newtab'],
    ['about:blank', undefined],
    ['file:///tmp/x.html', undefined],
    ['not a url', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (url, host) => {
    expect(hostOfUrl(url)).toBe(host);
  });
});

describe('resolveStore on what extension pages see', () => {
  it('works on the masked view too (the popup preselects with it)', () => {
    const view = toView(
      ownSettings({
        stores: [
          appstleStore({ id: 'a', helpdeskHosts: ['acme.zendesk.com'] }),
          gigstackStore({ id: 'b', helpdeskHosts: ['beta.zendesk.com'] }),
        ],
        defaultStoreId: 'a',
      }),
    );
    expect(resolveStore(view, 'beta.zendesk.com')?.id).toBe('b');
    expect(resolveStore(view, 'acme.zendesk.com.')?.id).toBe('a');
    expect(resolveStore(view, 'gamma.zendesk.com')?.id).toBe('a');
  });
});
