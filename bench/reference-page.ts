/**
 * The popup's same-run reference: a bare React page that renders one enabled "Copy portal link" button
 * and nothing else, bundled here with esbuild from the same react/react-dom the popup ships, and put
 * beside popup.html in a copy of the production build, so it loads the way the popup does (an
 * extension page, from the extension's own files, in the same process). Timed as the popup is,
 * alternating with it, so a busy machine slows both alike; what the popup takes beyond it is the popup's
 * own work (our code, zod, the messages it waits for).
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The reference page's path inside the extension. */
export const REFERENCE_PAGE = 'bench-reference.html';

const SOURCE = `
import { createRoot } from 'react-dom/client';
import { createElement } from 'react';
createRoot(document.getElementById('root')).render(
  createElement('main', null, createElement('button', { type: 'button' }, 'Copy portal link')),
);`;

const HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reference</title></head>
<body><div id="root"></div><script type="module" src="/bench-reference.js"></script></body></html>`;

/** A copy of `extensionDir` with the reference page added (nothing else changes); returns its path. */
export async function withReferencePage(extensionDir: string): Promise<string> {
  const out = await build({
    stdin: { contents: SOURCE, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const copy = mkdtempSync(join(tmpdir(), 'portal-link-bench-'));
  cpSync(extensionDir, copy, { recursive: true });
  writeFileSync(join(copy, 'bench-reference.js'), out.outputFiles[0]?.text ?? '');
  writeFileSync(join(copy, REFERENCE_PAGE), HTML);
  return copy;
}
