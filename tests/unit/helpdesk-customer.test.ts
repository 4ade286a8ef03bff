/** Detected customers on their way to the background: the message schema, the Shopify id choice, the popup's check. */
import { describe, expect, it } from 'vitest';
import { resolveQuery } from '../../lib/background/link-service';
import { hasLookup, isTabMessage, parseDetected, toCustomerRef } from '../../lib/helpdesks/detected';
import type { DetectedCustomer } from '../../lib/helpdesks/types';
import type { Store } from '../../lib/providers/registry';
import { type CustomerQuery, type CustomerRef, pickShopifyId } from '../../lib/shared/customer';
import { parseRequest } from '../../lib/shared/protocol';
import { appstleStore, gigstackStore } from './helpers';

const ACME = 'acme-shop.myshopify.com';
const OUTLET = 'acme-outlet.myshopify.com';

describe('pickShopifyId', () => {
  it.each<[string, { id: string; shop?: string }[] | undefined, string | undefined, string | undefined]>([
    ['none', undefined, ACME, undefined],
    ['empty', [], ACME, undefined],
    [
      'the one of the store’s shop',
      [
        { id: '2', shop: OUTLET },
        { id: '1', shop: ACME },
      ],
      ACME,
      '1',
    ],
    [
      'shop compared case-insensitively',
      [{ id: '1', shop: 'ACME-shop.myshopify.com' }, { id: '2' }],
      ` ${ACME.toUpperCase()} `,
      '1',
    ],
    [
      'several, none of the store’s shop',
      [
        { id: '1', shop: OUTLET },
        { id: '2', shop: 'x.myshopify.com' },
      ],
      ACME,
      undefined,
    ],
    ['several with unknown shops', [{ id: '1' }, { id: '2' }], ACME, undefined],
    [
      'several, store domain unknown',
      [
        { id: '1', shop: ACME },
        { id: '2', shop: OUTLET },
      ],
      undefined,
      undefined,
    ],
    ['one, shop unknown', [{ id: '1' }], ACME, '1'],
    ['one, store domain unknown', [{ id: '1', shop: OUTLET }], '', '1'],
    ['one of another shop', [{ id: '1', shop: OUTLET }], ACME, undefined],
  ])('%s', (_name, refs, domain, expected) => {
    expect(pickShopifyId(refs, domain)).toBe(expected);
  });
});

describe('resolveQuery with Shopify ids from a helpdesk', () => {
  const two = [
    { id: '99999', shop: OUTLET },
    { id: '24680', shop: ACME },
  ];
  it.each<[string, Store, CustomerRef, CustomerQuery]>([
    [
      'Appstle: the store’s shop id',
      appstleStore({ storeDomain: ACME }),
      { email: 'a@x.mx', shopify: two },
      { kind: 'id', id: '24680' },
    ],
    [
      'Appstle: the other store',
      appstleStore({ storeDomain: OUTLET }),
      { email: 'a@x.mx', shopify: two },
      { kind: 'id', id: '99999' },
    ],
    [
      'Appstle: no match → email',
      appstleStore({ storeDomain: 'z.myshopify.com' }),
      { email: 'a@x.mx', shopify: two },
      { kind: 'email', email: 'a@x.mx' },
    ],
    [
      'Appstle: one id → that id',
      appstleStore({ storeDomain: ACME }),
      { email: 'a@x.mx', shopify: [{ id: '7' }] },
      { kind: 'id', id: '7' },
    ],
    [
      'gigstack: email (Shopify ids are not gigstack’s)',
      gigstackStore(),
      { email: 'a@x.mx', shopify: two },
      { kind: 'email', email: 'a@x.mx' },
    ],
  ])('%s', (_name, store, ref, expected) => {
    expect(resolveQuery(store, ref)).toEqual(expected);
  });
});

describe('copy-link with Shopify ids', () => {
  it.each<[string, unknown, boolean]>([
    ['ids with shops', [{ id: '1', shop: ACME }, { id: '2' }], true],
    ['20 ids', Array.from({ length: 20 }, (_, i) => ({ id: String(i) })), true],
    ['21 ids', Array.from({ length: 21 }, (_, i) => ({ id: String(i) })), false],
    ['a numeric id', [{ id: 1 }], false],
    ['a 41-character id', [{ id: '1'.repeat(41) }], false],
    ['not a list', { id: '1' }, false],
  ])('%s', (_name, shopify, ok) => {
    expect(parseRequest({ type: 'copy-link', customer: { email: 'a@x.mx', shopify } }) !== undefined).toBe(ok);
  });
});

const JANE: DetectedCustomer = {
  helpdesk: 'zendesk',
  ticketId: '101',
  name: 'Jane',
  email: 'jane@example.com',
  source: 'api',
};

describe('parseDetected (what a tab answers the popup)', () => {
  it.each<[string, unknown, DetectedCustomer | undefined]>([
    ['a Zendesk requester', JANE, JANE],
    [
      'a Gorgias customer with Shopify ids (gid normalised)',
      { helpdesk: 'gorgias', ticketId: '2', source: 'page', shopify: [{ id: 'gid://shopify/Customer/5', shop: ACME }] },
      { helpdesk: 'gorgias', ticketId: '2', source: 'page', shopify: [{ id: '5', shop: ACME }] },
    ],
    [
      'no email',
      { helpdesk: 'zendesk', ticketId: '1', source: 'api' },
      { helpdesk: 'zendesk', ticketId: '1', source: 'api' },
    ],
    ['extra fields dropped', { ...JANE, apiKey: 'x', id: '501' }, JANE],
    ['null', null, undefined],
    ['a string', 'jane@example.com', undefined],
    ['another helpdesk', { ...JANE, helpdesk: 'freshdesk' }, undefined],
    ['a non-numeric ticket', { ...JANE, ticketId: '<img>' }, undefined],
    ['an invalid email', { ...JANE, email: 'javascript:alert(1)' }, undefined],
    ['a bad Shopify id', { ...JANE, shopify: [{ id: 'abc' }] }, undefined],
    ['too many Shopify ids', { ...JANE, shopify: Array.from({ length: 21 }, () => ({ id: '1' })) }, undefined],
    ['a huge name', { ...JANE, name: 'n'.repeat(201) }, { ...JANE, name: undefined }],
    ['an unknown source', { ...JANE, source: 'guess' }, undefined],
  ])('%s', (_name, value, expected) => {
    expect(parseDetected(value)).toEqual(expected);
  });
});

describe('toCustomerRef / hasLookup', () => {
  it('sends email, name and Shopify ids, never the helpdesk’s own ids', () => {
    const gorgias: DetectedCustomer = {
      helpdesk: 'gorgias',
      ticketId: '201',
      email: 'a@x.mx',
      shopify: [{ id: '5' }],
      source: 'api',
    };
    expect(toCustomerRef(gorgias)).toEqual({ email: 'a@x.mx', shopify: [{ id: '5' }] });
    expect(toCustomerRef(JANE)).toEqual({ email: 'jane@example.com', name: 'Jane' });
    expect(Object.keys(toCustomerRef(JANE))).not.toContain('id');
  });

  it.each<[string, DetectedCustomer | undefined, boolean]>([
    ['email', JANE, true],
    ['Shopify id only', { helpdesk: 'gorgias', ticketId: '1', shopify: [{ id: '5' }], source: 'api' }, true],
    ['neither', { helpdesk: 'zendesk', ticketId: '1', name: 'Phone', source: 'api' }, false],
    ['nothing', undefined, false],
  ])('%s → %s', (_name, customer, expected) => {
    expect(hasLookup(customer)).toBe(expected);
  });
});

describe('isTabMessage (what the content script accepts from a tab message)', () => {
  it.each<[unknown, boolean]>([
    [{ type: 'get-detected-customer' }, true],
    [{ type: 'show-feedback', role: 'status', text: 'Portal link for jane@example.com copied' }, true],
    [{ type: 'show-feedback', role: 'alert', text: 'x'.repeat(500) }, true],
    [{ type: 'show-feedback', role: 'alert', text: 'x'.repeat(501) }, false],
    [{ type: 'show-feedback', role: 'html', text: 'x' }, false],
    [{ type: 'show-feedback', role: 'status', text: { toString: () => 'x' } }, false],
    [{ type: 'show-feedback' }, false],
    [{ type: 'copy-portal-link' }, false],
    [null, false],
  ])('%j → %s', (message, accepted) => {
    expect(isTabMessage(message)).toBe(accepted);
  });
});
