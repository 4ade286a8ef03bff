/**
 * The README and docs/ are read on GitHub and in a terminal: every relative link must land on a
 * file (and heading) that exists, and tables and code blocks must fit a 100-column page.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const FILES = [
  'README.md',
  'PRIVACY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const MAX_WIDTH = 100;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const headings = markdown.split('\n').filter((line) => /^#{1,6} /.test(line));
  return new Set(
    headings.map((line) =>
      line
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

/** Lines outside fenced code, so a `](x)` in a code sample is not taken for a link. */
function proseAndBlocks(markdown: string): { prose: string[]; wide: string[] } {
  const prose: string[] = [];
  const wide: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced) prose.push(line);
    if ((fenced || line.startsWith('|')) && [...line].length > MAX_WIDTH) wide.push(line);
  }
  return { prose, wide };
}

describe.each(FILES)('%s', (file) => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const { prose, wide } = proseAndBlocks(text);

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const [, target = ''] of prose.join('\n').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [path = '', anchor] = target.split('#');
      const full = path ? resolve(ROOT, dirname(file), path) : join(ROOT, file);
      if (!existsSync(full)) broken.push(target);
      else if (anchor && full.endsWith('.md') && !anchors(readFileSync(full, 'utf8')).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });

  it(`keeps tables and code blocks within ${MAX_WIDTH} columns`, () => {
    expect(wide).toEqual([]);
  });
});

/** Text the repository ships: everything a reader or a reviewer of the sources zip sees. */
function shippedText(dir: string): string[] {
  const skip = new Set(['node_modules', '.output', '.wxt', '.git', 'screenshots', '.artifacts', '.wrangler']);
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : shippedText(path);
    return /\.(ts|tsx|mjs|md|yml|json|css|html)$|^run$/.test(entry.name) && entry.name !== 'package-lock.json'
      ? [path]
      : [];
  });
}

describe('the repository stands alone', () => {
  it('cites no document outside it, and no source line numbers (they go stale)', () => {
    const outside = /\bDESIGN(\.md|\s§)|\bTESTING\.md|\bSTYLE\.md|\.\.\/shared\/[A-Z]|\/work\//;
    const lineNumber = /\b[\w/-]+\.(ts|tsx|mjs):\d+/;
    const offending = shippedText('').flatMap((path) =>
      readFileSync(join(ROOT, path), 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          outside.test(line) || lineNumber.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offending).toEqual([]);
  });
});
