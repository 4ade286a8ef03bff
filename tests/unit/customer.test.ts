import { describe, expect, it } from 'vitest';
import {
  type CustomerQuery,
  type CustomerRef,
  normalizeEmail,
  parseCustomerInput,
  parseGigstackId,
  parseShopifyId,
  preferredQuery,
  queryKey,
} from '../../lib/shared/customer';

/** An email of exactly `length` characters. */
function emailOfLength(length: number): string {
  const domain = '@example.com';
  return `${'a'.repeat(length - domain.length)}${domain}`;
}

describe('normalizeEmail', () => {
  it.each([
    ['jane@example.com', 'jane@example.com'],
    ['  jane@example.com  ', 'jane@example.com'],
    ['\tjane@example.com\n', 'jane@example.com'],
    ['mailto:jane@example.com', 'jane@example.com'],
    ['MAILTO:jane@example.com', 'jane@example.com'],
    ['  mailto:jane@example.com ', 'jane@example.com'],
    ['Jane.Doe+VIP@Example.CO.uk', 'Jane.Doe+VIP@Example.CO.uk'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['first_last-1@sub.domain.example.mx', 'first_last-1@sub.domain.example.mx'],
    ['josé.núñez@correo.example.mx', 'josé.núñez@correo.example.mx'],
    ['用户@例子.广告', '用户@例子.广告'],
    ['jane@xn--exmple-cua.com', 'jane@xn--exmple-cua.com'],
    [emailOfLength(320), emailOfLength(320)],
    [`mailto:${emailOfLength(320)}`, emailOfLength(320)],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['mailto:'],
    ['jane'],
    ['jane@'],
    ['@example.com'],
    ['jane@example'],
    ['jane@localhost'],
    ['jane@example.c'],
    ['jane@@example.com'],
    ['jane@ex@ample.com'],
    ['jane doe@example.com'],
    ['jane@exa mple.com'],
    ['<jane@example.com>'],
    ['Jane Doe <jane@example.com>'],
    ['jane@example.com, john@example.com'],
    ['jane@example.com;'],
    ['"jane"@example.com'],
    ['jane(comment)@example.com'],
    ['jane@[127.0.0.1]'],
    ['jane\\@example.com'],
    ['12345'],
    ['gid://shopify/Customer/12345'],
    ['javascript:alert(1)//@example.com'],
    [emailOfLength(321)],
    [`mailto:${emailOfLength(321)}`],
  ])('rejects %j', (input) => {
    expect(normalizeEmail(input)).toBeUndefined();
  });

  // A right-click on `<a href="mailto:…?subject=…">` gives the whole URL: the address alone, decoded,
  // is the customer; "jane@example.com?subject=Order%20123" matches no one.
  it.each([
    ['mailto:jane@example.com?subject=Order%20123', 'jane@example.com'],
    ['mailto:jane@example.com?cc=boss@example.com', 'jane@example.com'],
    ['mailto:jane%2Bvip@example.com', 'jane+vip@example.com'],
  ])('reads the address out of the mailto URL %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('parseShopifyId', () => {
  it.each([
    ['12345', '12345'],
    ['  12345\n', '12345'],
    ['0012345', '12345'],
    ['0', '0'],
    ['000', '0'],
    ['7', '7'],
    ['1'.repeat(20), '1'.repeat(20)],
    ['gid://shopify/Customer/12345', '12345'],
    [' gid://shopify/Customer/7 ', '7'],
    ['GID://SHOPIFY/CUSTOMER/12345', '12345'],
    ['gid://Shopify/customer/6201234567890', '6201234567890'],
    [`gid://shopify/Customer/${'9'.repeat(20)}`, '9'.repeat(20)],
  ])('reads %j as %j', (input, expected) => {
    expect(parseShopifyId(input)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['abc'],
    ['12 345'],
    ['12,345'],
    ['12.5'],
    ['-5'],
    ['+5'],
    ['1e5'],
    ['0x1F'],
    ['12345?'],
    ['#12345'],
    ['１２３'], // full-width digits
    ['١٢٣'], // Arabic-Indic digits
    ['1'.repeat(21)],
    ['gid://shopify/Customer/'],
    ['gid://shopify/Customer/12a'],
    ['gid://shopify/Customer/12345/extra'],
    ['gid://shopify/Order/12345'],
    ['gid://shopify/CustomerAddress/12345'],
    ['gid://evil/Customer/12345'],
    [`gid://shopify/Customer/${'9'.repeat(21)}`],
    ['https://admin.shopify.com/store/acme/customers/12345'],
    ['cus_12345'],
    ['jane@example.com'],
  ])('rejects %j', (input) => {
    expect(parseShopifyId(input)).toBeUndefined();
  });
});

describe('parseGigstackId', () => {
  it.each([
    ['client_abc123', 'client_abc123'],
    ['cus_ABC-9_x', 'cus_ABC-9_x'],
    ['  client_x \n', 'client_x'],
    ['client_portal_link_connection_test', 'client_portal_link_connection_test'],
    [`client_${'a'.repeat(64)}`, `client_${'a'.repeat(64)}`],
    [`cus_${'Z'.repeat(64)}`, `cus_${'Z'.repeat(64)}`],
  ])('reads %j as %j', (input, expected) => {
    expect(parseGigstackId(input)).toBe(expected);
  });

  it.each([
    [''],
    ['client_'],
    ['cus_'],
    ['Client_abc'],
    ['CUS_abc'],
    ['client-abc'],
    ['customer_abc'],
    ['clients_abc'],
    ['client_abc def'],
    ['client_abc.def'],
    ['client_ñandú'],
    ['client_abc/../x'],
    [`client_${'a'.repeat(65)}`],
    ['12345'],
    ['gid://shopify/Customer/12345'],
    ['jane@example.com'],
  ])('rejects %j', (input) => {
    expect(parseGigstackId(input)).toBeUndefined();
  });
});

describe('parseCustomerInput', () => {
  it.each<[string, CustomerQuery]>([
    ['jane@example.com', { kind: 'email', email: 'jane@example.com' }],
    ['  Jane@Example.com ', { kind: 'email', email: 'Jane@Example.com' }],
    ['mailto:jane@example.com', { kind: 'email', email: 'jane@example.com' }],
    ['12345', { kind: 'id', id: '12345' }],
    [' 0012345 ', { kind: 'id', id: '12345' }],
    ['gid://shopify/Customer/6201234567890', { kind: 'id', id: '6201234567890' }],
    [`${' '.repeat(1000)}jane@example.com`, { kind: 'email', email: 'jane@example.com' }],
  ])('with Shopify ids reads %j', (input, expected) => {
    expect(parseCustomerInput(input, parseShopifyId)).toEqual(expected);
  });

  it.each<[string, CustomerQuery]>([
    ['jane@example.com', { kind: 'email', email: 'jane@example.com' }],
    ['client_abc', { kind: 'id', id: 'client_abc' }],
    [' cus_123 ', { kind: 'id', id: 'cus_123' }],
  ])('with gigstack ids reads %j', (input, expected) => {
    expect(parseCustomerInput(input, parseGigstackId)).toEqual(expected);
  });

  it.each([
    ['', parseShopifyId],
    ['garbage', parseShopifyId],
    ['Jane Doe', parseShopifyId],
    ['cus_123', parseShopifyId],
    ['12345', parseGigstackId],
    ['gid://shopify/Customer/1', parseGigstackId],
    ['<script>alert(1)</script>', parseShopifyId],
    ['x'.repeat(5000), parseShopifyId],
    [`${' '.repeat(1270)}jane@example.com`, parseShopifyId], // over 1280 characters before trimming
    [`${'1'.repeat(1281)}`, parseShopifyId],
  ])('rejects %j', (input, parseId) => {
    expect(parseCustomerInput(input, parseId)).toBeUndefined();
  });

  it('prefers the email reading over the id parser', () => {
    const calls: string[] = [];
    const spy = (value: string) => {
      calls.push(value);
      return 'id-from-parser';
    };
    expect(parseCustomerInput('jane@example.com', spy)).toEqual({ kind: 'email', email: 'jane@example.com' });
    expect(calls).toEqual([]);
    expect(parseCustomerInput('anything', spy)).toEqual({ kind: 'id', id: 'id-from-parser' });
    expect(calls).toEqual(['anything']);
  });
});

describe('preferredQuery', () => {
  it.each<[string, CustomerRef, CustomerQuery | undefined]>([
    ['id over email', { id: '123', email: 'jane@example.com' }, { kind: 'id', id: '123' }],
    ['gid id', { id: 'gid://shopify/Customer/123' }, { kind: 'id', id: '123' }],
    ['padded id', { id: ' 00123 ' }, { kind: 'id', id: '123' }],
    [
      'email when the id is junk',
      { id: 'junk', email: 'jane@example.com' },
      { kind: 'email', email: 'jane@example.com' },
    ],
    ['email when the id is empty', { id: '', email: 'jane@example.com' }, { kind: 'email', email: 'jane@example.com' }],
    ['email alone', { email: ' mailto:Jane@Example.com ' }, { kind: 'email', email: 'Jane@Example.com' }],
    ['nothing', {}, undefined],
    ['empty strings', { id: '', email: '' }, undefined],
    ['junk id, junk email', { id: 'junk', email: 'not an email' }, undefined],
  ])('Shopify: %s', (_label, ref, expected) => {
    expect(preferredQuery(ref, parseShopifyId)).toEqual(expected);
  });

  it.each<[string, CustomerRef, CustomerQuery | undefined]>([
    ['gigstack id over email', { id: 'cus_9', email: 'jane@example.com' }, { kind: 'id', id: 'cus_9' }],
    [
      'Shopify id is not a gigstack id',
      { id: '123', email: 'jane@example.com' },
      { kind: 'email', email: 'jane@example.com' },
    ],
    ['Shopify id and no email', { id: '123' }, undefined],
  ])('gigstack: %s', (_label, ref, expected) => {
    expect(preferredQuery(ref, parseGigstackId)).toEqual(expected);
  });
});

describe('queryKey', () => {
  it.each<[CustomerQuery, string]>([
    [{ kind: 'id', id: '123' }, 'id:123'],
    [{ kind: 'id', id: 'client_AbC' }, 'id:client_AbC'],
    [{ kind: 'email', email: 'jane@example.com' }, 'email:jane@example.com'],
    [{ kind: 'email', email: 'Jane@Example.COM' }, 'email:jane@example.com'],
  ])('%j → %s', (query, expected) => {
    expect(queryKey(query)).toBe(expected);
  });

  it('never confuses an id with an email of the same text', () => {
    expect(queryKey({ kind: 'id', id: 'x@y.co' })).not.toBe(queryKey({ kind: 'email', email: 'x@y.co' }));
  });
});
