import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, toEpochMs } from '../../lib/shared/jwt';
import { base64url, makeJwt } from './helpers';

describe('decodeJwtPayload', () => {
  it.each<[string, Record<string, unknown>]>([
    ['an Appstle token', { customerId: 12345, shop: 'acme.myshopify.com', timestamp: 1_764_165_600_000 }],
    ['a string customer id', { customerId: '12345', shop: 'acme.myshopify.com' }],
    ['non-ASCII text', { shop: 'tienda-ñandú.myshopify.com', name: 'José 顧客 ✓' }],
    ['an empty object', {}],
    ['nested values', { a: { b: [1, 2, { c: null }] } }],
  ])('decodes %s', (_label, payload) => {
    expect(decodeJwtPayload(makeJwt(payload))).toEqual(payload);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'decodes a payload whose base64url length needs padding (%i chars of data)',
    (n) => {
      const payload = { k: 'x'.repeat(n) };
      const part = base64url(JSON.stringify(payload));
      expect(part).not.toContain('=');
      expect(decodeJwtPayload(`h.${part}.s`)).toEqual(payload);
    },
  );

  it('decodes the base64url alphabet (- and _)', () => {
    const payload = { v: '>>>???~~~' };
    const part = base64url(JSON.stringify(payload));
    expect(part).toMatch(/[-_]/);
    expect(decodeJwtPayload(`h.${part}.s`)).toEqual(payload);
  });

  it('needs no signature part', () => {
    expect(decodeJwtPayload(`h.${base64url('{"shop":"a.b.co"}')}`)).toEqual({ shop: 'a.b.co' });
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['no dots', 'abcdef'],
    ['empty payload', 'a..c'],
    ['trailing dot only', 'a.'],
    ['invalid base64', 'a.!!!!.c'],
    ['impossible base64 length', 'a.abcde.c'],
    ['base64 of non-JSON', `a.${base64url('not json')}.c`],
    ['a JSON array', `a.${base64url('[1,2,3]')}.c`],
    ['JSON null', `a.${base64url('null')}.c`],
    ['a JSON number', `a.${base64url('42')}.c`],
    ['a JSON string', `a.${base64url('"shop"')}.c`],
    ['invalid UTF-8 is replaced, JSON breaks', `a.${Buffer.from([0x7b, 0xff, 0xfe]).toString('base64url')}.c`],
  ])('returns undefined for %s', (_label, token) => {
    expect(decodeJwtPayload(token)).toBeUndefined();
  });
});

describe('toEpochMs', () => {
  it.each([
    [1_764_165_600, 1_764_165_600_000],
    [1_764_165_600_000, 1_764_165_600_000],
    [1_764_165_600.5, 1_764_165_600_500],
    [999_999_999_999, 999_999_999_999_000],
    [1e12, 1e12],
    [0, 0],
    [1, 1000],
  ])('%d → %d', (value, expected) => {
    expect(toEpochMs(value)).toBe(expected);
  });
});
