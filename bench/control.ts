/**
 * The control arm of the ticket-load comparison: a copy of the build with the same manifest (the same
 * service worker, action, permissions, commands) but no content script, launched the same way. The
 * browser runs the same UI for an extension in both arms; what differs is the content script alone.
 *
 * The floor arm: the same copy whose only content script is bench/floor-script.js, the least any
 * in-page button talking to its extension costs, so the content script's own time per load can be
 * read against what the browser charges any such script on the same machine in the same run.
 */
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FLOOR_SCRIPT = new URL('floor-script.js', import.meta.url);

export function controlBuild(extensionDir: string, withFloorScript = false): string {
  const copy = mkdtempSync(join(tmpdir(), `portal-link-${withFloorScript ? 'floor' : 'control'}-`));
  cpSync(extensionDir, copy, { recursive: true });
  const manifestPath = join(copy, 'manifest.json');
  const { content_scripts: scripts, ...manifest } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (withFloorScript) {
    // The file sits where ours do, so the trace counts it the same way (bench/trace.ts).
    copyFileSync(FLOOR_SCRIPT, join(copy, 'content-scripts', 'floor.js'));
    const zendesk = (scripts as { matches: string[]; run_at?: string }[]).find((s) =>
      s.matches.some((m) => m.includes('zendesk')),
    );
    if (!zendesk) throw new Error(`${extensionDir}: no Zendesk content script to put the floor in place of`);
    manifest.content_scripts = [{ matches: zendesk.matches, run_at: zendesk.run_at, js: ['content-scripts/floor.js'] }];
  }
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return copy;
}
