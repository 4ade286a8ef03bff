/**
 * Gzip sizes (level 9) of what the extension loads, with their budgets: each content script (on
 * every ticket load), the on-demand module they import the first time the agent reaches for the
 * button (lib/content/load.ts), and the popup with every chunk it imports. Used by the bench's size
 * rows and by the e2e size gate (tests/e2e/helpdesk-budgets.e2e.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).byteLength;

/**
 * 8 KB gzip per content script (issue 22.3): what isn't needed before the first click is in the
 * on-demand module. Sizes are deterministic, so the gate is the target itself (docs/benchmarks.md).
 */
export const CONTENT_SCRIPT_BUDGET = 8 * 1024;
export const ON_DEMAND_BUDGET = 8 * 1024;

export interface InPageSize {
  /** The file, relative to the build. */
  file: string;
  /** When the browser evaluates it. */
  loaded: 'every ticket load' | 'first reach for the button';
  gzipBytes: number;
  budget: number;
}

/** Every content script, then the on-demand module (entrypoints/content-ui.ts). */
export function inPageSizes(build: string): InPageSize[] {
  const scripts = readdirSync(join(build, 'content-scripts'))
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f): InPageSize => {
      const file = `content-scripts/${f}`;
      return { file, loaded: 'every ticket load', gzipBytes: gz(join(build, file)), budget: CONTENT_SCRIPT_BUDGET };
    });
  const onDemand = 'content-ui.js';
  return [
    ...scripts,
    {
      file: onDemand,
      loaded: 'first reach for the button',
      gzipBytes: gz(join(build, onDemand)),
      budget: ON_DEMAND_BUDGET,
    },
  ];
}

/** One line per file: its size next to its budget. */
export function sizeLines(sizes: readonly InPageSize[]): string[] {
  const width = Math.max(...sizes.map((s) => s.file.length));
  return sizes.map(
    (s) =>
      `${s.file.padEnd(width)}  ${String(s.gzipBytes).padStart(6)} B gzip / budget ${s.budget} B` +
      `  ${s.gzipBytes <= s.budget ? 'ok' : 'OVER'}  (${s.loaded})`,
  );
}

/** popup.html's module script and its modulepreloads (the JS the popup actually loads). */
export function popupJsSize(build: string): number {
  const html = readFileSync(join(build, 'popup.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/([^"]+\.js)"/g)].map((m) => m[1] ?? '');
  return files.reduce((sum, file) => sum + gz(join(build, file)), 0);
}

// `tsx bench/sizes.ts [build]`: print the in-page sizes of a build (default: the production one).
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of sizeLines(inPageSizes(process.argv[2] ?? '.output/chrome-mv3'))) console.log(line);
}
