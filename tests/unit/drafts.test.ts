import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTAL_TEMPLATE } from '../../lib/providers/appstle/settings';
import {
  checkDraft,
  checkDrafts,
  type Draft,
  fromView,
  newDraft,
  normaliseField,
  visibleFields,
} from '../../lib/settings/drafts';
import { type StoreView, settingsSchema, toView } from '../../lib/settings/schema';
import { APPSTLE_KEY, appstleStore, gigstackStore, ownSettings } from './helpers';

function appstleDraft(patch: Partial<Draft> = {}, values: Record<string, string> = {}): Draft {
  const draft = newDraft('Acme', 'a');
  return { ...draft, apiKey: APPSTLE_KEY, ...patch, values: { ...draft.values, ...values } };
}

describe('drafts ↔ settings', () => {
  it('a saved store comes back as the same store (key kept by an empty key field)', () => {
    const saved = {
      stores: [
        appstleStore({ helpdeskHosts: ['acme.zendesk.com', 'acme.gorgias.com'] }),
        gigstackStore({ team: 't1' }),
      ],
    };
    const drafts = toView(ownSettings(saved)).stores.map(fromView);
    expect(drafts[0]?.hostsText).toBe('acme.zendesk.com, acme.gorgias.com');
    expect(drafts.map((d) => d.apiKey)).toEqual(['', '']);
    const checked = checkDrafts(drafts);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.stores).toEqual(saved.stores.map((s) => ({ ...s, apiKey: '' })));
    // What the page sends passes the background's own schema for save-settings.
    expect(settingsSchema.safeParse({ stores: checked.stores }).success).toBe(true);
  });

  it('switching provider and back keeps what was typed in the other provider’s fields', () => {
    const draft = appstleDraft({}, { storeDomain: 'acme.myshopify.com', team: 'team_mx' });
    const asGigstack = { ...draft, provider: 'gigstack' as const };
    const checked = checkDraft(asGigstack);
    expect(checked.ok && checked.store).toMatchObject({ provider: 'gigstack', team: 'team_mx' });
    expect(checked.ok && 'storeDomain' in checked.store).toBe(false);
    expect(visibleFields(asGigstack).map((f) => f.key)).toEqual(['team']);
    expect(visibleFields(draft).map((f) => f.key)).toEqual(['storeDomain', 'linkType']);
  });

  it('Link type: a new store starts on Appstle’s link; the template shows (and saves) only in the token mode', () => {
    const fresh = appstleDraft();
    expect(fresh.values.linkType).toBe('appstle');
    const token = {
      ...fresh,
      values: { ...fresh.values, linkType: 'token', portalUrlTemplate: 'https://acme.com/p?t={token}' },
    };
    expect(visibleFields(token).map((f) => f.key)).toEqual(['storeDomain', 'linkType', 'portalUrlTemplate']);
    const checked = checkDraft(token);
    expect(checked.ok && checked.store).toMatchObject({
      linkType: 'token',
      portalUrlTemplate: 'https://acme.com/p?t={token}',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['saved before link types, default template', { linkType: undefined }, 'appstle'],
    [
      'saved before link types, own template',
      { linkType: undefined, portalUrlTemplate: 'https://acme.com/p?t={token}' },
      'token',
    ],
    ['saved in the token mode', { linkType: 'token' }, 'token'],
  ])('a store %s shows Link type %s', (_l, overrides, expected) => {
    const view = toView(ownSettings({ stores: [appstleStore(overrides)] })).stores[0] as StoreView;
    expect(fromView(view).values.linkType).toBe(expected);
  });

  it('a store saved without a template gets the default one; a saved template is kept', () => {
    const view = toView(ownSettings({ stores: [appstleStore({ portalUrlTemplate: 'https://x.example/p?t={token}' })] }))
      .stores[0] as StoreView;
    const checked = checkDraft(fromView(view));
    expect(checked.ok && checked.store).toMatchObject({ portalUrlTemplate: 'https://x.example/p?t={token}' });
    const fresh = checkDraft(appstleDraft());
    expect(fresh.ok && fresh.store).toMatchObject({ portalUrlTemplate: DEFAULT_PORTAL_TEMPLATE });
  });
});

describe('checkDraft: each field through the store schema, the message next to it', () => {
  it.each<[string, Draft, string, RegExp]>([
    ['no name', appstleDraft({ name: '  ' }), 'name', /needs a name/],
    ['a name over 80 characters', appstleDraft({ name: 'x'.repeat(81) }), 'name', /at most 80/],
    ['a key over 512 characters', appstleDraft({ apiKey: 'k'.repeat(513) }), 'apiKey', /512/],
    ['a store domain that is no host', appstleDraft({}, { storeDomain: 'my shop' }), 'storeDomain', /shop's domain/],
    [
      'a bad gigstack team',
      { ...appstleDraft({}, { team: 'team mx!' }), provider: 'gigstack' },
      'team',
      /letters, digits/,
    ],
    [
      'a helpdesk account that is no host',
      appstleDraft({ hostsText: 'acme.zendesk.com, not a host!!' }),
      'helpdeskHosts',
      // Quoted as typed between the commas, not the first word the parser stopped at.
      /^“not a host!!” in the Helpdesk accounts of “Acme” is not a host name/,
    ],
    [
      'a bad template',
      appstleDraft({}, { portalUrlTemplate: 'http://x.example/{token}' }),
      'portalUrlTemplate',
      /https:\/\//,
    ],
  ])('%s → %s', (_label, draft, field, message) => {
    const checked = checkDraft(draft);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.errors)).toEqual([field]);
    expect(checked.errors[field]).toMatch(message);
  });

  it('several bad fields are all reported', () => {
    const checked = checkDraft(appstleDraft({ name: '', hostsText: 'nope' }, { storeDomain: 'bad domain' }));
    expect(!checked.ok && Object.keys(checked.errors).sort()).toEqual(['helpdeskHosts', 'name', 'storeDomain']);
  });
});

describe('normalising what was pasted', () => {
  it.each([
    ['https://Acme-Shop.myshopify.com/account/login?x=1', 'acme-shop.myshopify.com'],
    ['acme-shop.myshopify.com/', 'acme-shop.myshopify.com'],
    ['  ACME-SHOP.myshopify.com ', 'acme-shop.myshopify.com'],
  ])('a store domain pasted as %s becomes %s (on leaving the field, and on save)', (pasted, host) => {
    const draft = appstleDraft({}, { storeDomain: pasted });
    expect(normaliseField(draft, 'storeDomain').values.storeDomain).toBe(host);
    const checked = checkDraft(draft);
    expect(checked.ok && checked.store).toMatchObject({ storeDomain: host });
  });

  it('a pasted helpdesk URL becomes its host', () => {
    const checked = checkDraft(appstleDraft({ hostsText: 'https://Acme.zendesk.com/agent/tickets/1' }));
    expect(checked.ok && checked.store.helpdeskHosts).toEqual(['acme.zendesk.com']);
  });

  it('a field without normalisation is left as typed', () => {
    const draft = { ...appstleDraft({}, { team: ' t1 ' }), provider: 'gigstack' as const };
    expect(normaliseField(draft, 'team')).toBe(draft);
  });
});

describe('checkDrafts', () => {
  it('refuses a helpdesk account in two stores, on the second store’s field, naming both', () => {
    const a = appstleDraft({ hostsText: 'acme.zendesk.com' });
    const b = { ...appstleDraft({ id: 'b', name: 'Beta', hostsText: 'ACME.zendesk.com' }) };
    const checked = checkDrafts([a, b]);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.first).toEqual({
      draftId: 'b',
      message: 'acme.zendesk.com is listed in both “Acme” and “Beta”. A helpdesk account can use only one store.',
    });
    expect(checked.errors.b?.helpdeskHosts).toBe(checked.first.message);
  });

  it('names every field to fix, across stores, when there are several', () => {
    const a = appstleDraft({ hostsText: 'not a host!!' });
    const b = appstleDraft({ id: 'b', name: 'Beta' }, { storeDomain: 'not a domain' });
    const checked = checkDrafts([a, b]);
    expect(!checked.ok && checked.summary).toBe(
      '2 fields need fixing: Helpdesk accounts of “Acme”, Store domain of “Beta”.',
    );
    // One field: its own message says it all.
    const one = checkDrafts([appstleDraft({ hostsText: 'not a host!!' })]);
    expect(!one.ok && one.summary).toMatch(/^“not a host!!” in the Helpdesk accounts of “Acme”/);
  });

  it('announces the first bad field with its label and store', () => {
    const a = appstleDraft();
    const b = appstleDraft({ id: 'b', name: 'Beta' }, { storeDomain: 'not a domain' });
    const checked = checkDrafts([a, b]);
    expect(!checked.ok && checked.first).toEqual({
      draftId: 'b',
      message: expect.stringMatching(/^Store domain of “Beta”: Use the shop's domain/),
    });
  });
});
