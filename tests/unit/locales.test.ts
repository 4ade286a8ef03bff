import { parseMessagesFile } from '@wxt-dev/i18n/build';
import { describe, expect, it } from 'vitest';
import { BUTTON_WORDS, buttonWords } from '../../lib/content/button-words';

/** Every English message has a Spanish one with the same substitutions, and nothing extra. */
describe('locales', async () => {
  const en = await parseMessagesFile('locales/en.yml');
  const es = await parseMessagesFile('locales/es.yml');
  const byKey = (messages: typeof en) => new Map(messages.map((m) => [m.key.join('.'), m]));
  const [enKeys, esKeys] = [byKey(en), byKey(es)];

  it('the same keys in both languages', () => {
    expect([...esKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
  });

  it('every message has the same substitutions in both', () => {
    const differ = [...enKeys.keys()].filter(
      (key) => esKeys.get(key)?.substitutions !== enKeys.get(key)?.substitutions,
    );
    expect(differ).toEqual([]);
  });

  it('the button’s own words (lib/content/button-words.ts) are the locale files’ words', () => {
    for (const [language, keys] of [
      ['en', enKeys],
      ['es', esKeys],
    ] as const) {
      for (const [key, words] of Object.entries(BUTTON_WORDS[language])) {
        const message = keys.get(key);
        expect({ key, words }).toEqual({ key, words: message && 'message' in message ? message.message : undefined });
      }
    }
  });

  it('the button speaks the browser’s UI language, English by default', () => {
    expect(buttonWords('es-419')('content.button')).toBe('Copiar enlace del portal');
    expect(buttonWords('es')('content.pinnedTitle', 'X')).toContain('va junto X, que');
    expect(buttonWords('en-GB')('content.button')).toBe('Copy portal link');
    expect(buttonWords('de')('content.button')).toBe('Copy portal link');
  });

  it('Spanish words where the contracts have English ones', () => {
    expect(esKeys.get('popup.copy')).toMatchObject({ message: 'Copiar enlace del portal' });
    expect(esKeys.get('expires')).toMatchObject({ message: 'caduca $1' });
  });
});

describe('locales: no message without a use', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
    );
  const code = [...['lib', 'components', 'entrypoints'].flatMap(sources), 'wxt.config.ts']
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const keys = (await parseMessagesFile('locales/en.yml')).map((m) => m.key.join('.'));

  it('every English key is looked up by the code (t("key") or the manifest’s __MSG_key__)', () => {
    const unused = keys.filter(
      (key) =>
        !key.startsWith('@@') && // the browser's predefined messages
        !code.includes(`'${key}'`) &&
        !code.includes(`__MSG_${key.replaceAll('.', '_')}__`),
    );
    expect(unused).toEqual([]);
  });
});
