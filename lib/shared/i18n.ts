/**
 * The extension's words, from locales/*.yml through `browser.i18n` (one language per browser UI
 * language; English is the default). Every user-visible string goes through `t`.
 */
import { createI18n } from '@wxt-dev/i18n';
import type { GeneratedI18nStructure } from '#i18n';

export const i18n = createI18n<GeneratedI18nStructure>();
export const t = i18n.t;

/** The language the messages are in ("en", "es"), for dates that must match the words around them. */
export function messageLocale(): string {
  return t('dateLocale') || 'en';
}
