import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Settings } from '../../lib/settings/schema';
import { isSealed, sealer } from '../../lib/settings/sealing';
import { settingsItem, settingsStorage } from '../../lib/settings/storage';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { APPSTLE_KEY, appstleStore, GIGSTACK_KEY, gigstackStore, rejectionOf, testSealer } from './helpers';

const valid: Settings = {
  stores: [appstleStore({ id: 'a' }), gigstackStore({ id: 'b', team: 'team1' })],
  defaultStoreId: 'b',
};

const stored = async () =>
  (await fakeBrowser.storage.local.get('settings')).settings as { stores: { apiKey: string }[]; sealedKeys?: string };

describe('settings storage', () => {
  let storage: ReturnType<typeof settingsStorage>;
  beforeEach(() => {
    fakeBrowser.reset();
    storage = settingsStorage(testSealer());
  });

  it('loads empty settings when nothing was saved', async () => {
    await expect(storage.load()).resolves.toEqual({ stores: [] });
  });

  it('round-trips saved settings', async () => {
    await expect(storage.save(valid)).resolves.toEqual(valid);
    await expect(settingsStorage(testSealer()).load()).rejects.toMatchObject({ code: 'settings-invalid' });
    await expect(storage.load()).resolves.toEqual(valid);
  });

  it('stores no key in any form: keys are sealed together, stores keep an empty key', async () => {
    await storage.save(valid);
    const raw = await stored();
    const text = JSON.stringify(await fakeBrowser.storage.local.get(null));
    for (const secret of [APPSTLE_KEY, GIGSTACK_KEY]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(btoa(secret));
    }
    expect(raw.stores.map((s) => s.apiKey)).toEqual(['', '']);
    expect(isSealed(raw.sealedKeys)).toBe(true);
  });

  it('saves the normalised value and returns it', async () => {
    const raw = {
      stores: [{ ...appstleStore({ id: 'a' }), name: '  Acme  ', helpdeskHosts: [' ACME.Zendesk.com '] }],
    } as Settings;
    const saved = await storage.save(raw);
    expect(saved.stores[0]?.name).toBe('Acme');
    expect(saved.stores[0]?.helpdeskHosts).toEqual(['acme.zendesk.com']);
    expect((await stored()).stores[0]).toEqual({ ...saved.stores[0], apiKey: '' });
  });

  it('keeps settings in storage.local only, never sync or session', async () => {
    await storage.save(valid);
    expect(Object.keys(await fakeBrowser.storage.local.get(null))).toEqual(['settings']);
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('keys stored in clear (before sealing) still work, and are sealed in place on the first read', async () => {
    await fakeBrowser.storage.local.set({ settings: valid });
    await expect(storage.load()).resolves.toEqual(valid);
    const text = JSON.stringify(await stored());
    expect(text).not.toContain(APPSTLE_KEY);
    expect(text).not.toContain(GIGSTACK_KEY);
    await expect(settingsStorage(sealer(() => Promise.reject(new Error('no key')))).load()).rejects.toThrow();
    await expect(storage.load()).resolves.toEqual(valid);
  });

  it('a change written meanwhile is not overwritten by the sealing of older keys', async () => {
    await fakeBrowser.storage.local.set({ settings: valid });
    let calls = 0;
    const racing = settingsStorage(testSealer(), {
      getValue: async () => (calls++ === 0 ? structuredClone(valid) : { stores: [] }),
      setValue: async () => {
        throw new Error('must not write');
      },
    });
    await expect(racing.load()).resolves.toEqual(valid);
  });

  it.each<[string, unknown]>([
    ['a duplicate helpdesk host', { stores: [appstleStore({ id: 'a' }), appstleStore({ id: 'b' })] }],
    ['an http template', { stores: [{ ...appstleStore(), portalUrlTemplate: 'http://{storeDomain}/{token}' }] }],
    ['an unknown provider', { stores: [{ ...appstleStore(), provider: 'recharge' }] }],
    ['stores not an array', { stores: 'x' }],
  ])('refuses to save %s and keeps what was there', async (_label, bad) => {
    await storage.save(valid);
    await expect(storage.save(bad as Settings)).rejects.toThrow();
    await expect(storage.load()).resolves.toEqual(valid);
  });

  it.each<[string, unknown]>([
    ['a string', 'garbage'],
    ['a number', 42],
    ['an array', [valid]],
    ['stores not an array', { stores: { a: 1 } }],
    ['an unknown provider', { stores: [{ ...appstleStore(), provider: 'recharge' }] }],
    ['a duplicate helpdesk host', { stores: [appstleStore({ id: 'a' }), appstleStore({ id: 'b' })] }],
    [
      'duplicate ids',
      { stores: [appstleStore({ id: 'a', helpdeskHosts: [] }), gigstackStore({ id: 'a', helpdeskHosts: [] })] },
    ],
    ['keys sealed under another key', { stores: [], sealedKeys: 'sealed:v1:AAAAAAAAAAAAAAAA.AAAA' }],
    ['keys not sealed', { stores: [], sealedKeys: 'plain' }],
  ])('reports corrupted storage (%s) as settings-invalid', async (_label, value) => {
    await fakeBrowser.storage.local.set({ settings: value });
    const error = await rejectionOf(storage.load());
    expect(error).toBeInstanceOf(PortalLinkError);
    expect((error as PortalLinkError).code).toBe('settings-invalid');
    expect(String(error)).not.toContain(APPSTLE_KEY);
  });

  it('normalises what it reads', async () => {
    await fakeBrowser.storage.local.set({
      settings: {
        stores: [{ id: 'a', name: 'A', provider: 'appstle', apiKey: 'k', helpdeskHosts: ['X.Zendesk.com'] }],
      },
    });
    const loaded = await storage.load();
    expect(loaded.stores[0]).toMatchObject({ helpdeskHosts: ['x.zendesk.com'], portalUrlTemplate: expect.any(String) });
  });
});

describe('settingsStorage.load (what every copy reads)', () => {
  beforeEach(() => fakeBrowser.reset());

  it('unseals and validates only settings that differ from the last read, and sees every write', async () => {
    const seal = testSealer();
    let unseals = 0;
    const counting = {
      seal: seal.seal,
      unseal: (s: string) => {
        unseals += 1;
        return seal.unseal(s);
      },
    };
    const storage = settingsStorage(counting);
    await storage.save(valid);
    const first = await storage.load();
    expect(await storage.load()).toBe(first); // the same parsed object: no second unseal or validation
    expect(unseals).toBe(1);
    await settingsItem.setValue({ stores: [] }); // written by anyone, told to no one
    expect(await storage.load()).toEqual({ stores: [] });
  });

  it('unreadable settings fail every time until fixed', async () => {
    const storage = settingsStorage(testSealer());
    await settingsItem.setValue({ stores: 'nope' });
    await expect(storage.load()).rejects.toMatchObject({ code: 'settings-invalid' });
    await expect(storage.load()).rejects.toMatchObject({ code: 'settings-invalid' });
    await settingsItem.setValue({ stores: [] });
    await expect(storage.load()).resolves.toEqual({ stores: [] });
  });
});
