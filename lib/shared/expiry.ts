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

/**
 * How long a link has left, as a person says it: "1 h 58 min", "40 min", "under a minute",
 * "5 days" (a whole day or more is counted in days, rounded down). Nothing for an expired link.
 */
export function timeLeft(expiresAt: number, now: number = Date.now()): string | undefined {
  const minutes = Math.floor((expiresAt - now) / 60_000);
  if (expiresAt <= now) return undefined;
  if (minutes < 1) return t('duration.underMinute');
  if (minutes < 60) return t('duration.minutes', [String(minutes)]);
  if (minutes < 24 * 60) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest === 0
      ? t('duration.hours', [String(hours)])
      : t('duration.hoursMinutes', [String(hours), String(rest)]);
  }
  const days = Math.floor(minutes / (24 * 60));
  return days === 1 ? t('duration.day') : t('duration.days', [String(days)]);
}

/**
 * "expires 21:31 (in 1 h 58 min)": the contract's wording first, then what is left of it (the
 * popup, where there is room); a lasting link's "works until 14 Dec" as it is.
 */
export function formatLifetimeWithTimeLeft(
  link: { expiresAt: number; lasting?: boolean },
  now: number = Date.now(),
  locale = messageLocale(),
): string {
  const said = formatLifetime(link, now, locale);
  const left = link.lasting ? undefined : timeLeft(link.expiresAt, now);
  return left ? `${said} ${t('expiresIn', [left])}` : said;
}
