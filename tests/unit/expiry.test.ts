import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatExpiry, formatLifetime, formatLifetimeWithTimeLeft, timeLeft } from '../../lib/shared/expiry';

/** Local wall-clock times, so the tests hold in any time zone. */
const local = (month: number, day: number, hour: number, minute: number, year = 2025) =>
  new Date(year, month - 1, day, hour, minute).getTime();
const NOW = local(11, 26, 9, 0);

describe('formatExpiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each<[string, number, string]>([
    ['later today', local(11, 26, 16, 42), 'expires 16:42'],
    ['two hours from now', NOW + 2 * 3600_000, 'expires 11:00'],
    ['just after midnight today', local(11, 26, 0, 5), 'expires 00:05'],
    ['the last minute of today', local(11, 26, 23, 59), 'expires 23:59'],
    ['seconds are dropped, not rounded', local(11, 26, 16, 42) + 59_999, 'expires 16:42'],
    ['tomorrow', local(11, 27, 16, 42), 'expires 27 Nov 16:42'],
    ['tomorrow just after midnight', local(11, 27, 0, 10), 'expires 27 Nov 00:10'],
    ['yesterday', local(11, 25, 16, 42), 'expires 25 Nov 16:42'],
    ['next month', local(12, 1, 8, 5), 'expires 1 Dec 08:05'],
    ['five days on (gigstack)', NOW + 5 * 24 * 3600_000, 'expires 1 Dec 09:00'],
    ['the same day next year', local(11, 26, 16, 42, 2026), 'expires 26 Nov 16:42'],
  ])('%s', (_label, expiresAt, expected) => {
    expect(formatExpiry(expiresAt, NOW)).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['today', local(11, 26, 16, 42), 'expires 16:42'],
    ['another day', local(11, 27, 16, 42), 'expires 27 nov 16:42'],
    ['another month', local(1, 5, 7, 3, 2026), 'expires 5 ene 07:03'],
  ])('Spanish month names: %s', (_label, expiresAt, expected) => {
    expect(formatExpiry(expiresAt, NOW, 'es')).toBe(expected);
  });

  it.each(['en', 'es'])('no abbreviation dot in the month (%s, September)', (locale) => {
    const text = formatExpiry(local(9, 3, 16, 42), NOW, locale);
    expect(text).toMatch(/^expires 3 \S+ 16:42$/);
    expect(text).not.toContain('.');
  });

  it('uses a 24-hour clock in English too', () => {
    expect(formatExpiry(local(11, 26, 21, 7), NOW, 'en')).toBe('expires 21:07');
  });

  it('defaults "now" to the current time', () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    expect(formatExpiry(local(11, 26, 16, 42))).toBe('expires 16:42');
    expect(formatExpiry(local(11, 28, 16, 42))).toBe('expires 28 Nov 16:42');
  });
});

describe('formatLifetime', () => {
  it('says "works until <day month>" for a lasting link, and the provider expiry otherwise', () => {
    expect(formatLifetime({ expiresAt: local(12, 14, 20, 9), lasting: true }, NOW, 'en')).toBe('works until 14 Dec');
    expect(formatLifetime({ expiresAt: local(11, 26, 16, 42) }, NOW, 'en')).toBe('expires 16:42');
  });
});

describe('timeLeft and the popup’s expiry', () => {
  const at = (minutes: number) => NOW + minutes * 60_000 + 30_000;
  it.each<[number, string]>([
    [0, 'under a minute'],
    [40, '40 min'],
    [60, '1 h'],
    [118, '1 h 58 min'],
    [24 * 60, '1 day'],
    [5 * 24 * 60 + 7, '5 days'],
  ])('%i minutes left → %s', (minutes, words) => {
    expect(timeLeft(at(minutes), NOW)).toBe(words);
  });

  it('an expired link has no time left, and says only when it expired', () => {
    expect(timeLeft(NOW - 1, NOW)).toBeUndefined();
    expect(formatLifetimeWithTimeLeft({ expiresAt: NOW - 60_000 }, NOW)).toBe('expires 08:59');
  });

  it('keeps the contract’s "expires 16:42" first, then what is left; a lasting link as it is', () => {
    expect(formatLifetimeWithTimeLeft({ expiresAt: NOW + 118 * 60_000 }, NOW)).toBe('expires 10:58 (in 1 h 58 min)');
    expect(formatLifetimeWithTimeLeft({ expiresAt: NOW + 7 * 24 * 3600_000, lasting: true }, NOW)).toBe(
      'works until 3 Dec',
    );
  });
});
