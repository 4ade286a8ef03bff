/**
 * fakeBrowser has no `i18n`: answer `getMessage` from locales/en.yml the way browsers do (the
 * extension's default language), so unit tests assert the English words.
 */
import { generateChromeMessagesText, parseMessagesFile } from '@wxt-dev/i18n/build';
import { fakeBrowser } from 'wxt/testing/fake-browser';

const messages = JSON.parse(generateChromeMessagesText(await parseMessagesFile('locales/en.yml'))) as Record<
  string,
  { message: string; placeholders?: Record<string, { content: string }> }
>;

export function englishMessage(name: string, substitutions: string | string[] = []): string {
  const entry = messages[name];
  if (!entry) return '';
  const subs = typeof substitutions === 'string' ? [substitutions] : substitutions;
  let text = entry.message;
  for (const [key, { content }] of Object.entries(entry.placeholders ?? {})) {
    text = text.replaceAll(new RegExp(`\\$${key}\\$`, 'gi'), content);
  }
  return text.replace(/\$(\$|[1-9])/g, (_, d: string) => (d === '$' ? '$' : (subs[Number(d) - 1] ?? '')));
}

Object.assign(fakeBrowser.i18n, {
  getMessage: englishMessage,
  getUILanguage: () => 'en',
});
