/** Gzip size of the popup with every chunk it imports (content scripts: tests/e2e/support/measure.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).byteLength;

/** popup.html's module script and its modulepreloads (the JS the popup actually loads). */
export function popupJsSize(build: string): number {
  const html = readFileSync(join(build, 'popup.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/([^"]+\.js)"/g)].map((m) => m[1] ?? '');
  return files.reduce((sum, file) => sum + gz(join(build, file)), 0);
}
