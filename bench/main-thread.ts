/** Rows "main thread": ticket loads and a mutation burst, in our browser against a control extension and none (and, traced, the floor). */
import { rmSync } from 'node:fs';
import { type Harness, launchExtension } from '../tests/e2e/support/extension';
import { launchWithoutExtension } from '../tests/e2e/support/measure';
import type { MockServer } from '../tests/fixtures/mock-server';
import { mutationBurst } from './burst';
import { controlBuild } from './control';
import { longTaskLoads, tracedLoads } from './ticket-load';

export async function measureMainThread(server: MockServer, harness: Harness, build: string): Promise<void> {
  const plain = await launchWithoutExtension(server);
  // Same manifest, same launch, no content script: the browser's UI for an extension is in both arms.
  const controlDir = controlBuild(build);
  const control = await launchExtension(server, { build: controlDir, watchWorlds: false });
  const floorDir = controlBuild(build, true);
  const floor = await launchExtension(server, { build: floorDir, watchWorlds: false });
  try {
    const browsers = { ours: harness, control, none: plain };
    await longTaskLoads(browsers);
    await tracedLoads(browsers, floor);
    await mutationBurst(harness, plain);
  } finally {
    await plain.close();
    await control.close();
    await floor.close();
    rmSync(controlDir, { recursive: true, force: true });
    rmSync(floorDir, { recursive: true, force: true });
  }
}
