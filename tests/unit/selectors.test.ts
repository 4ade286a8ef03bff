import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_SELECTORS } from '../../lib/helpdesks/selectors';

/** `owner/repo path` sources separated by `; ` (a source may list several paths, comma-separated). */
const SOURCE = /^[\w.-]+\/[\w.-]+ [\w./-]+(, [\w./-]+)*$/;
const GUESS = /^guess: \S.{20,}$/;

const entries = Object.entries(ALL_SELECTORS).flatMap(([helpdesk, { selectors, evidence }]) =>
  Object.entries(selectors).map(
    ([name, entry]) =>
      [
        `${helpdesk}.${name}`,
        { css: entry.css as string | ((id: string) => string), evidence: (evidence as Record<string, string>)[name] },
      ] as const,
  ),
);

describe('every helpdesk selector names its evidence', () => {
  it('has entries for both helpdesks', () => {
    expect(entries.length).toBeGreaterThan(8);
  });

  it.each(entries)('%s', (_name, entry) => {
    const evidence = entry.evidence ?? '';
    const honest = GUESS.test(evidence) || evidence.split('; ').every((source) => SOURCE.test(source));
    expect(honest, `evidence "${evidence}" is neither "owner/repo path" nor "guess: why"`).toBe(true);
    const css = typeof entry.css === 'function' ? entry.css('123') : entry.css;
    expect(css).toMatch(/\S/);
    if (typeof entry.css === 'function') expect(css).toContain('123');
  });

  it.each(['zendesk.ts', 'gorgias.ts', 'page.ts'])('lib/helpdesks/%s writes no selector of its own', (file) => {
    const source = readFileSync(new URL(`../../lib/helpdesks/${file}`, import.meta.url), 'utf8');
    // A selector literal passed to a DOM query: every one must come from selectors.ts.
    expect(source).not.toMatch(/\b(?:querySelector(?:All)?|closest|matches)\(\s*['"`]/);
  });
});
