import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Settings } from '../../lib/settings/schema';
import { cachedSettings, loadSettings, saveSettings } from '../../lib/settings/storage';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { APPSTLE_KEY, appstleStore, gigstackStore, rejectionOf } from './helpers';

const valid: Settings = {
  stores: [appstleStore({ id: 'a' }), gigstackStore({ id: 'b', team: 'team1' })],
  defaultStoreId: 'b',
};

describe('settings storage', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('loads empty settings when nothing was saved', async () => {
    await expect(loadSettings()).resolves.toEqual({ stores: [] });
  });

  it('round-trips saved settings', async () => {
    await expect(saveSettings(valid)).resolves.toEqual(valid);
    await expect(loadSettings()).resolves.toEqual(valid);
  });

  it('saves the normalised value and returns it', async () => {
    const raw = {
      stores: [{ ...appstleStore({ id: 'a' }), name: '  Acme  ', helpdeskHosts: [' ACME.Zendesk.com '] }],
    } as Settings;
    const saved = await saveSettings(raw);
    expect(saved.stores[0]?.name).toBe('Acme');
    expect(saved.stores[0]?.helpdeskHosts).toEqual(['acme.zendesk.com']);
    expect((await fakeBrowser.storage.local.get('settings')).settings).toEqual(saved);
  });

  it('keeps settings (and keys) in storage.local only, never sync or session', async () => {
    await saveSettings(valid);
    expect(Object.keys(await fakeBrowser.storage.local.get(null))).toEqual(['settings']);
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it.each<[string, unknown]>([
    ['a duplicate helpdesk host', { stores: [appstleStore({ id: 'a' }), appstleStore({ id: 'b' })] }],
    ['an http template', { stores: [{ ...appstleStore(), portalUrlTemplate: 'http://{storeDomain}/{token}' }] }],
    ['an unknown provider', { stores: [{ ...appstleStore(), provider: 'recharge' }] }],
    ['stores not an array', { stores: 'x' }],
  ])('refuses to save %s and keeps what was there', async (_label, bad) => {
    await saveSettings(valid);
    await expect(saveSettings(bad as Settings)).rejects.toThrow();
    await expect(loadSettings()).resolves.toEqual(valid);
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
  ])('reports corrupted storage (%s) as settings-invalid', async (_label, stored) => {
    await fakeBrowser.storage.local.set({ settings: stored });
    const error = await rejectionOf(loadSettings());
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
    const loaded = await loadSettings();
    expect(loaded.stores[0]).toMatchObject({ helpdeskHosts: ['x.zendesk.com'], portalUrlTemplate: expect.any(String) });
  });
});

describe('cachedSettings (what every copy reads)', () => {
  it('validates only settings that differ from the last read, and sees every write', async () => {
    let stored: unknown = { stores: [appstleStore({ id: 'a' })] };
    const settings = cachedSettings(async () => structuredClone(stored));
    const first = await settings.load();
    expect(await settings.load()).toBe(first); // the same parsed object: no second validation
    stored = { stores: [] }; // written by anyone, told to no one
    expect(await settings.load()).toEqual({ stores: [] });
  });

  it('unreadable settings fail every time until fixed', async () => {
    let stored: unknown = { stores: 'nope' };
    const settings = cachedSettings(async () => stored);
    await expect(settings.load()).rejects.toMatchObject({ code: 'settings-invalid' });
    await expect(settings.load()).rejects.toMatchObject({ code: 'settings-invalid' });
    stored = { stores: [] };
    await expect(settings.load()).resolves.toEqual({ stores: [] });
  });

  it('through real storage', async () => {
    const settings = cachedSettings();
    await saveSettings(valid);
    expect((await settings.load()).stores).toHaveLength(valid.stores.length);
    await fakeBrowser.storage.local.set({ settings: { stores: [] } });
    expect((await settings.load()).stores).toEqual([]);
  });
});
