import { parseMessagesFile } from '@wxt-dev/i18n/build';
import { describe, expect, it } from 'vitest';

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

  it('Spanish words where the contracts have English ones', () => {
    expect(esKeys.get('popup.copy')).toMatchObject({ message: 'Copiar enlace del portal' });
    expect(esKeys.get('expires')).toMatchObject({ message: 'caduca $1' });
  });
});
