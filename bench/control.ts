/**
 * The control arm of the ticket-load comparison: a copy of the build with the same manifest (the same
 * service worker, action, permissions, commands) but no content script, launched the same way. The
 * browser runs the same UI for an extension in both arms; what differs is the content script alone.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function controlBuild(extensionDir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'portal-link-control-'));
  cpSync(extensionDir, copy, { recursive: true });
  const manifestPath = join(copy, 'manifest.json');
  const { content_scripts: _dropped, ...manifest } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return copy;
}
