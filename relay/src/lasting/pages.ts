/**
 * The pages a customer sees at /l/<id>: plain HTML, one inline style block (allowed by a per-response
 * nonce), no script, nothing from another origin. English or Spanish by Accept-Language.
 */

export type Lang = 'en' | 'es';

const TEXT = {
  en: {
    open: 'Open your subscription portal',
    openHint: 'The button opens a fresh, private link to manage your subscription.',
    invalidTitle: 'This link is no longer valid',
    invalidBody:
      'Links to the subscription portal stop working after a while, or when the store replaces them. Reply to the email you got it in and the store will send you a new one.',
    failedTitle: 'Your portal did not open',
    failed: 'We couldn’t open your portal right now — try again in a few minutes or reply to our email',
    forbiddenTitle: 'This page has expired',
    forbidden: 'Open the link from your email again, then press the button.',
    limitedTitle: 'Too many tries',
    limited: 'Please wait a few minutes, then open the link from your email again.',
    portal: 'Subscription portal',
  },
  es: {
    open: 'Abrir tu portal de suscripción',
    openHint: 'El botón abre un enlace nuevo y privado para gestionar tu suscripción.',
    invalidTitle: 'Este enlace ya no es válido',
    invalidBody:
      'Los enlaces al portal de suscripción dejan de funcionar después de un tiempo o cuando la tienda los reemplaza. Responde al correo en el que lo recibiste y la tienda te enviará uno nuevo.',
    failedTitle: 'Tu portal no se abrió',
    failed:
      'No pudimos abrir tu portal en este momento: inténtalo de nuevo en unos minutos o responde a nuestro correo',
    forbiddenTitle: 'Esta página ha caducado',
    forbidden: 'Vuelve a abrir el enlace desde tu correo y pulsa el botón.',
    limitedTitle: 'Demasiados intentos',
    limited: 'Espera unos minutos y vuelve a abrir el enlace desde tu correo.',
    portal: 'Portal de suscripción',
  },
} satisfies Record<Lang, Record<string, string>>;

/** The first of en/es in the customer's Accept-Language order (by q), English otherwise. */
export function pickLang(header: string | undefined): Lang {
  const ranked = (header ?? '')
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { base: tag.split('-')[0], q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((l) => l.q > 0 && (l.base === 'en' || l.base === 'es'))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.base === 'es' ? 'es' : 'en';
}

/**
 * What the audit keeps about who opened a page: a browser family and mobile/desktop, or "scanner"
 * for the link checkers of mail gateways and chat previews. Never the IP or the full User-Agent.
 */
export function clientHint(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').slice(0, 512);
  if (!ua) return 'unknown';
  if (
    /bot|crawl|spider|preview|scan|safelinks|proofpoint|mimecast|barracuda|curl|wget|python|go-http|java\/|headless/i.test(
      ua,
    )
  ) {
    return 'scanner';
  }
  const family = /edg\//i.test(ua)
    ? 'edge'
    : /firefox\//i.test(ua)
      ? 'firefox'
      : /chrome\/|crios\//i.test(ua)
        ? 'chrome'
        : /safari\//i.test(ua)
          ? 'safari'
          : 'other';
  return `${family}/${/mobi|android|iphone|ipad/i.test(ua) ? 'mobile' : 'desktop'}`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f5f7fa}
main{max-width:28rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 .25rem}p{margin:.75rem 0}.muted{color:#52606d;font-size:.9rem}
button{font:inherit;font-weight:600;width:100%;padding:.8rem 1rem;margin-top:1rem;border:0;border-radius:8px;background:#1f5fbf;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #f0b429;outline-offset:2px}`;

function shell(lang: Lang, title: string, body: string, nonce: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** The link's page: the store's name and one button that posts the form token back to this address. */
export function openPage(lang: Lang, storeName: string, token: string, nonce: string): string {
  const t = TEXT[lang];
  return shell(
    lang,
    `${storeName} · ${t.portal}`,
    `<h1>${escapeHtml(storeName)}</h1><p class="muted">${t.portal}</p>
<form method="post"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">${t.open}</button></form><p class="muted">${t.openHint}</p>`,
    nonce,
  );
}

export type Notice = 'invalid' | 'failed' | 'forbidden' | 'limited';

export function noticePage(lang: Lang, notice: Notice, nonce: string, storeName?: string): string {
  const t = TEXT[lang];
  const [title, body] = (
    {
      invalid: [t.invalidTitle, t.invalidBody],
      failed: [t.failedTitle, t.failed],
      forbidden: [t.forbiddenTitle, t.forbidden],
      limited: [t.limitedTitle, t.limited],
    } as const
  )[notice];
  const heading = storeName ? `<p class="muted">${escapeHtml(storeName)}</p>` : '';
  return shell(lang, title, `${heading}<h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p>`, nonce);
}

/** Headers of every /l/ page: nothing runs, nothing loads, nothing is indexed or framed or referred. */
export function pageHeaders(lang: Lang, nonce: string, formAction?: string): Record<string, string> {
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `form-action 'self'${formAction ? ` ${formAction}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': csp,
    'X-Robots-Tag': 'noindex, nofollow',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Language': lang,
    Vary: 'Accept-Language',
  };
}
