// `web-ext lint` (Mozilla's addons-linter, the checks AMO runs) on the Firefox build. Fails on any
// error and on any warning not explained below. A warning counts as explained only if the flagged
// source is the library code named here (whatever chunk the bundler put it in).
// Usage: node scripts/lint-firefox.mjs [build dir, default .output/firefox-mv2]
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import webExt from 'web-ext';

const sourceDir = resolve(process.argv[2] ?? '.output/firefox-mv2');
if (!existsSync(`${sourceDir}/manifest.json`)) {
  console.error(`${sourceDir} is missing: run \`npm run build:firefox\` first.`);
  process.exit(1);
}

/** Warnings about bundled libraries, each checked (docs/architecture.md, "Firefox"). */
const EXPLAINED = [
  {
    code: 'DANGEROUS_EVAL',
    source: /jitless\|\|.{0,120}Function\(``\)/,
    why: "zod 4's eval check `Function('')`, skipped at run time (lib/shared/zod.ts sets jitless; the CSP forbids eval anyway)",
  },
  {
    code: 'UNSAFE_VAR_ASSIGNMENT',
    source: /__html.{0,80}\.innerHTML=/,
    why: "react-dom's support for dangerouslySetInnerHTML, which no component uses (Biome: noDangerouslySetInnerHtml)",
  },
  {
    code: 'UNSAFE_VAR_ASSIGNMENT',
    source: /`\/content-ui\.js`.{0,200}import\(\w+\.runtime\.getURL\(\w+\)\)/,
    why: "the content scripts' on-demand module (lib/content/load.ts): a fixed file of our own package, by runtime.getURL, never a URL from the page",
  },
];

/** The flagged code and what precedes it on its line. */
function sourceAt({ file, line, column }) {
  if (!file || !line) return '';
  const text = readFileSync(join(sourceDir, file), 'utf8').split('\n')[line - 1] ?? '';
  return text.slice(Math.max(0, column - 300), column + 100);
}

const report = await webExt.cmd.lint({ sourceDir, output: 'none', boring: true }, { shouldExitProgram: false });
const where = (m) => `${m.file ?? 'manifest'}${m.line ? `:${m.line}:${m.column}` : ''}`;
const explanation = (w) => EXPLAINED.find((e) => e.code === w.code && e.source.test(sourceAt(w)));

for (const m of report.errors) console.error(`error ${m.code} ${where(m)}: ${m.message}`);
const unexplained = report.warnings.filter((w) => !explanation(w));
for (const m of unexplained) console.error(`warning ${m.code} ${where(m)}: ${m.message}`);
for (const e of EXPLAINED) {
  const hits = report.warnings.filter((w) => explanation(w) === e);
  if (hits.length > 0) console.log(`explained ${e.code} ×${hits.length} (${hits.map(where).join(', ')}): ${e.why}`);
}
const { errors, warnings, notices } = report.summary;
console.log(
  `web-ext lint ${sourceDir}: ${errors} errors, ${warnings} warnings (${unexplained.length} unexplained), ${notices} notices`,
);
process.exit(errors > 0 || unexplained.length > 0 ? 1 : 0);
