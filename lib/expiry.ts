/** "expires 16:42" today, "expires 26 Nov 16:42" another day: the link's real expiry, local time. */
export function formatExpiry(expiresAt: number, now: number = Date.now(), locale = 'en'): string {
  const at = new Date(expiresAt);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  if (at.toDateString() === new Date(now).toDateString()) return `expires ${time}`;
  const month = new Intl.DateTimeFormat(locale, { month: 'short' }).format(at).replace('.', '');
  return `expires ${at.getDate()} ${month} ${time}`;
}
