/**
 * The button's own words in each language of locales/*.yml, so that putting the button on a ticket
 * calls no `browser.i18n.getMessage`: its first call in a page loads the extension's whole message
 * bundle into the content script, 1.3 ms of the page's main thread per ticket load (docs/benchmarks.md).
 * tests/unit/locales.test.ts keeps these equal to the locale files. Everything said after a click
 * comes from the on-demand module, through `t` as usual.
 */
import { browser } from 'wxt/browser';

export type ButtonWord =
  | 'content.button'
  | 'content.buttonTitle'
  | 'content.pinnedTitle'
  | 'content.anchorZendesk'
  | 'content.anchorGorgias'
  | 'content.more'
  | 'content.finishSetup'
  | 'errors.noStore';

export const BUTTON_WORDS: Record<'en' | 'es', Record<ButtonWord, string>> = {
  en: {
    'content.button': 'Copy portal link',
    'content.buttonTitle': 'Copy this customer’s subscription portal link',
    'content.pinnedTitle':
      'Copy this customer’s subscription portal link. This button belongs next to $1, which isn’t on this ticket.',
    'content.anchorZendesk': 'the Requester field',
    'content.anchorGorgias': 'the customer’s name',
    'content.more': 'More portal link actions',
    'content.finishSetup': 'Finish set-up',
    'errors.noStore': 'No store is set up yet. Open Settings and add your API key.',
  },
  es: {
    'content.button': 'Copiar enlace del portal',
    'content.buttonTitle': 'Copia el enlace al portal de suscripciones de este cliente',
    'content.pinnedTitle':
      'Copia el enlace al portal de suscripciones de este cliente. Este botón va junto $1, que no aparece en este ticket.',
    'content.anchorZendesk': 'al campo Solicitante',
    'content.anchorGorgias': 'al nombre del cliente',
    'content.more': 'Más acciones del enlace del portal',
    'content.finishSetup': 'Terminar la configuración',
    'errors.noStore': 'Todavía no hay ninguna tienda configurada. Abre la configuración y agrega tu clave de API.',
  },
};

/**
 * The words in the language `browser.i18n` picks: the browser's UI language (`es-419` → `es`), else
 * the default (`en`, manifest's default_locale).
 */
export function buttonWords(uiLanguage = browser.i18n.getUILanguage()): (key: ButtonWord, sub?: string) => string {
  const language = uiLanguage.toLowerCase().split(/[-_]/)[0];
  const words = language === 'es' ? BUTTON_WORDS.es : BUTTON_WORDS.en;
  return (key, sub) => (sub === undefined ? words[key] : words[key].replace('$1', sub));
}
