import { describe, expect, it, vi } from 'vitest';
import {
  customerFromMenuClick,
  handleMenuClick,
  MENU_EMAIL,
  MENU_MAILTO,
  MENU_SELECTION,
  type MenuClick,
  type MenuDeps,
  menuInstaller,
  menuItems,
  selectionCustomer,
} from '../../lib/background/context-menu';
import type { EffectiveStore, Settings } from '../../lib/settings/schema';
import { PortalLinkError } from '../../lib/shared/error-codes';
import type { CopyResult } from '../../lib/shared/protocol';
import { appstleStore, gigstackStore, own, ownSettings } from './helpers';

const selection = (selectionText: string, pageUrl?: string): MenuClick => ({
  menuItemId: MENU_SELECTION,
  selectionText,
  pageUrl,
});
const mailto = (linkUrl: string, pageUrl?: string): MenuClick => ({ menuItemId: MENU_MAILTO, linkUrl, pageUrl });

const storeA = appstleStore({ id: 'a', name: 'Acme', helpdeskHosts: ['acme.zendesk.com'] });
const storeB = gigstackStore({ id: 'b', name: 'Beta', helpdeskHosts: ['beta.zendesk.com', 'beta.gorgias.com'] });
const storeC = appstleStore({ id: 'c', name: 'Central', helpdeskHosts: [] });
const SETTINGS: Settings = { stores: [storeA, storeB, storeC], defaultStoreId: 'c' };

function deps(own: Settings = SETTINGS) {
  const settings = ownSettings(own);
  const copies: { store: EffectiveStore | undefined; customer: string }[] = [];
  const emails: { store: EffectiveStore | undefined; customer: string }[] = [];
  const result: CopyResult = { url: 'https://x.example/p', expiresAt: 1, cached: false, customer: 'c' };
  const d = {
    loadSettings: vi.fn(async () => settings),
    copy: vi.fn(async (store: EffectiveStore | undefined, customer: string) => {
      copies.push({ store, customer });
      return { ...result, customer };
    }),
    email: vi.fn(async (store: EffectiveStore | undefined, customer: string) => {
      emails.push({ store, customer });
      return { to: customer };
    }),
  } satisfies MenuDeps;
  return { d, copies, emails };
}

describe('menu items', () => {
  it('has the contract titles and contexts', () => {
    expect(menuItems).toEqual([
      { id: MENU_SELECTION, title: 'Copy portal link for “%s”', contexts: ['selection'] },
      { id: MENU_MAILTO, title: 'Copy portal link', contexts: ['link'], targetUrlPatterns: ['mailto:*'] },
      { id: MENU_EMAIL, title: 'Email portal link to “%s”', contexts: ['selection'] },
    ]);
  });
});

describe('menuInstaller (run at every background start)', () => {
  /** A menus API like the browsers': ids must be unique; removeAll takes a turn of the event loop. */
  function fakeMenus() {
    const ids = new Set<string>();
    const errors: string[] = [];
    return {
      ids,
      errors,
      removeAll: async () => {
        await new Promise((r) => setTimeout(r, 0));
        ids.clear();
      },
      create: (item: { id: string }) => {
        if (ids.has(item.id)) errors.push(`ID already exists: ${item.id}`);
        ids.add(item.id);
      },
    };
  }

  it('creates every item, and again after a restart that forgot them', async () => {
    const menus = fakeMenus();
    await menuInstaller(menus)();
    expect([...menus.ids]).toEqual(menuItems.map((i) => i.id));
    menus.ids.clear(); // Firefox restarted: the items are gone, the background runs again
    await menuInstaller(menus)();
    expect([...menus.ids]).toEqual(menuItems.map((i) => i.id));
    expect(menus.errors).toEqual([]);
  });

  it('calls that overlap (install and start-up) never create an item twice', async () => {
    const menus = fakeMenus();
    const install = menuInstaller(menus);
    await Promise.all([install(), install(), install()]);
    expect(menus.errors).toEqual([]);
    expect(menus.ids.size).toBe(menuItems.length);
  });
});

describe('selectionCustomer: the forms a selection comes in', () => {
  it.each<[string, string]>([
    ['jane@example.com', 'jane@example.com'],
    ['  jane@example.com \n', 'jane@example.com'],
    ['\u200Bjane@example.com\uFEFF', 'jane@example.com'],
    ['<jane@example.com>', 'jane@example.com'],
    ['Jane Doe <jane@example.com>', 'jane@example.com'],
    ['"Jane Doe" <jane@example.com>', 'jane@example.com'],
    ['"jane@example.com"', 'jane@example.com'],
    ['“jane@example.com”', 'jane@example.com'],
    ['(jane@example.com)', 'jane@example.com'],
    ['[jane@example.com]', 'jane@example.com'],
    ['jane@example.com.', 'jane@example.com'],
    ['jane@example.com,', 'jane@example.com'],
    ['(jane@example.com).', 'jane@example.com'],
    ['12345', '12345'],
    [' #12345 ', '#12345'],
    ['gid://shopify/Customer/12345', 'gid://shopify/Customer/12345'],
    ['client_abc123', 'client_abc123'],
    ['mailto:jane@example.com', 'mailto:jane@example.com'],
  ])('%j → %j', (text, expected) => {
    expect(selectionCustomer(text)).toBe(expected);
  });

  it.each<[string, string | undefined]>([
    ['empty', ''],
    ['blank', '   \n\t'],
    ['only punctuation', '.,;'],
    ['only quotes', '""'],
    ['undefined', undefined],
    ['longer than 1280 characters', `${'a'.repeat(1300)}@example.com`],
  ])('%s → nothing', (_label, text) => {
    expect(selectionCustomer(text)).toBeUndefined();
  });
});

describe('customerFromMenuClick', () => {
  it.each<[string, MenuClick, string | undefined]>([
    ['a selection', selection(' jane@example.com '), 'jane@example.com'],
    ['a mailto link', mailto('mailto:jane@example.com'), 'jane@example.com'],
    [
      'a mailto link with headers',
      mailto('mailto:jane@example.com?subject=Order%20123&cc=x@y.com'),
      'jane@example.com',
    ],
    ['a mailto link with several recipients', mailto('mailto:jane@example.com,bob@example.org'), 'jane@example.com'],
    ['an encoded mailto link', mailto('mailto:jane%2Bvip@example.com'), 'jane+vip@example.com'],
    ['an upper-case MAILTO link', mailto('MAILTO:jane@example.com'), 'jane@example.com'],
    ['a mailto link without address', mailto('mailto:?subject=hi'), undefined],
    ['a mailto item on an http link', mailto('https://evil.example/?mailto:jane@example.com'), undefined],
    ['a mailto item without linkUrl', { menuItemId: MENU_MAILTO }, undefined],
    ['a broken percent-encoding', mailto('mailto:jane%E0%A4%A@example.com'), undefined],
    ['another menu item', { menuItemId: 'something-else', selectionText: 'jane@example.com' }, undefined],
    ['the selection item with a linkUrl only', { menuItemId: MENU_SELECTION, linkUrl: 'mailto:j@x.com' }, undefined],
  ])('%s', (_label, info, expected) => {
    expect(customerFromMenuClick(info)).toBe(expected);
  });
});

describe('handleMenuClick: invalid selections make no request', () => {
  it.each<[string, MenuClick]>([
    ['a word', selection('hello')],
    ['a sentence with an email in it', selection('write to jane@example.com today')],
    ['two emails', selection('jane@example.com bob@example.org')],
    // A phone in international form (+52 …) is a Stay AI customer; a national one is nothing.
    ['a phone number without its country code', selection('55 1234 5678')],
    ['a half email', selection('jane@')],
    ['an id with letters', selection('12345abc')],
    ['a Shopify gid of another type', selection('gid://shopify/Order/12345')],
    ['HTML', selection('<img src=x onerror=alert(1)>')],
    ['an empty selection', selection('   ')],
    ['a mailto link without address', mailto('mailto:')],
    ['an unknown menu item', { menuItemId: 'other', selectionText: 'jane@example.com' }],
  ])('%s → invalid-customer, settings not even read', async (_label, info) => {
    const { d } = deps();
    const outcome = await handleMenuClick(info, 'https://acme.zendesk.com/agent/tickets/1', d);
    expect(outcome).toEqual({
      ok: false,
      error: {
        code: 'invalid-customer',
        message: 'That is not an email address or a customer ID. Check it and try again.',
      },
    });
    expect(d.loadSettings).not.toHaveBeenCalled();
    expect(d.copy).not.toHaveBeenCalled();
  });
});

describe('handleMenuClick: the store', () => {
  it.each<[string, MenuClick, string | undefined, string]>([
    [
      'a page on a mapped helpdesk account',
      selection('jane@example.com', 'https://acme.zendesk.com/agent/tickets/1'),
      undefined,
      'a',
    ],
    ['another mapped account', selection('client_x', 'https://beta.zendesk.com/agent/tickets/9'), undefined, 'b'],
    ['a mapped host in upper case', selection('client_x', 'https://BETA.Gorgias.com/app/ticket/3'), undefined, 'b'],
    [
      'an unmapped helpdesk account → the default',
      selection('12345', 'https://other.zendesk.com/agent'),
      undefined,
      'c',
    ],
    ['any other page → the default', mailto('mailto:jane@example.com', 'https://mail.example.org/'), undefined, 'c'],
    ['no page URL, the tab URL maps', selection('12345'), 'https://acme.zendesk.com/agent/tickets/1', 'a'],
    [
      'the page URL wins over the tab URL',
      selection('12345', 'https://beta.zendesk.com/x'),
      'https://acme.zendesk.com/',
      'b',
    ],
    ['no URL at all → the default', selection('12345'), undefined, 'c'],
    ['a URL without host → the default', selection('12345', 'chrome://newtab/'), undefined, 'c'],
    ['a garbage URL → the default', selection('12345', 'not a url'), undefined, 'c'],
  ])('%s', async (_label, info, tabUrl, storeId) => {
    const { d, copies } = deps();
    const outcome = await handleMenuClick(info, tabUrl, d);
    expect(outcome.ok).toBe(true);
    expect(copies).toHaveLength(1);
    expect(copies[0]?.store?.id).toBe(storeId);
  });

  it('the email item emails (never copies) the selected address, with the tab’s store', async () => {
    const { d, copies, emails } = deps();
    const outcome = await handleMenuClick(
      { menuItemId: MENU_EMAIL, selectionText: ' “jane@example.com”. ', pageUrl: 'https://acme.zendesk.com/agent' },
      undefined,
      d,
    );
    expect(outcome).toEqual({ ok: true, result: { to: 'jane@example.com' } });
    expect(emails).toEqual([{ store: own(storeA), customer: 'jane@example.com' }]);
    expect(copies).toEqual([]);
  });

  it('a mailto: link whose text is another address: the copy is for the address in the link', async () => {
    const { d, copies } = deps();
    const outcome = await handleMenuClick(mailto('mailto:victim@example.com'), undefined, d);
    expect(copies.map((c) => c.customer)).toEqual(['victim@example.com']);
    expect(outcome).toMatchObject({ ok: true, result: { customer: 'victim@example.com' } });
  });

  it('passes the cleaned-up customer text to the copy', async () => {
    const { d, copies } = deps();
    await handleMenuClick(selection('Jane Doe <jane@example.com>.'), undefined, d);
    expect(copies[0]?.customer).toBe('jane@example.com');
  });

  it('no store at all → the copy decides (no-store), nothing thrown', async () => {
    const { d } = deps({ stores: [] });
    d.copy.mockRejectedValueOnce(new PortalLinkError('no-store'));
    const outcome = await handleMenuClick(selection('jane@example.com'), undefined, d);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'no-store' } });
    expect(d.copy).toHaveBeenCalledWith(undefined, 'jane@example.com');
  });

  it.each<[string, unknown, string]>([
    ['a provider error', new PortalLinkError('key-rejected', { provider: 'Appstle' }), 'key-rejected'],
    [
      'an id the store provider does not know',
      new PortalLinkError('invalid-customer', { provider: 'gigstack' }),
      'invalid-customer',
    ],
    ['an unexpected error', new Error('boom APPSTLE_KEY'), 'internal'],
  ])('%s becomes an outcome, not a throw', async (_label, error, code) => {
    const { d } = deps();
    d.copy.mockRejectedValueOnce(error);
    const outcome = await handleMenuClick(selection('12345'), undefined, d);
    expect(outcome).toMatchObject({ ok: false, error: { code } });
    expect(JSON.stringify(outcome)).not.toContain('boom');
  });

  it('unreadable settings become an outcome', async () => {
    const { d } = deps();
    d.loadSettings.mockRejectedValueOnce(new PortalLinkError('settings-invalid'));
    expect(await handleMenuClick(selection('12345'), undefined, d)).toMatchObject({
      ok: false,
      error: { code: 'settings-invalid' },
    });
    expect(d.copy).not.toHaveBeenCalled();
  });
});
