import { messageLocale, t } from './i18n';

/**
 * "expires 16:42" today, "expires 26 Nov 16:42" another day ("caduca 26 nov 16:42" in Spanish): the
 * link's real expiry, local time, with the month in the language of the words around it.
 */
export function formatExpiry(expiresAt: number, now: number = Date.now(), locale = messageLocale()): string {
  const at = new Date(expiresAt);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  if (at.toDateString() === new Date(now).toDateString()) return t('expires', [time]);
  const month = new Intl.DateTimeFormat(locale, { month: 'short' }).format(at).replace('.', '');
  return t('expires', [`${at.getDate()} ${month} ${time}`]);
}

/**
 * What a confirmation says about how long the link works: a lasting link (team relay, issue 21)
 * "works until 14 Dec" (its relay page, day only); a provider's own link "expires …" as above.
 */
export function formatLifetime(
  link: { expiresAt: number; lasting?: boolean },
  now: number = Date.now(),
  locale = messageLocale(),
): string {
  if (!link.lasting) return formatExpiry(link.expiresAt, now, locale);
  const at = new Date(link.expiresAt);
  const month = new Intl.DateTimeFormat(locale, { month: 'short' }).format(at).replace('.', '');
  return t('worksUntil', [`${at.getDate()} ${month}`]);
}
