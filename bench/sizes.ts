/** Gzip sizes of what the browser loads: each content script, and the popup with every chunk it imports. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).byteLength;

export function contentScriptSizes(build: string): Record<string, number> {
  const dir = join(build, 'content-scripts');
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => [f, gz(join(dir, f))]),
  );
}

/** popup.html's module script and its modulepreloads (the JS the popup actually loads). */
export function popupJsSize(build: string): number {
  const html = readFileSync(join(build, 'popup.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/([^"]+\.js)"/g)].map((m) => m[1] ?? '');
  return files.reduce((sum, file) => sum + gz(join(build, file)), 0);
}
