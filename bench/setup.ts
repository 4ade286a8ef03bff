import { existsSync } from 'node:fs';
import { CHROMIUM_HINT, findChromium } from '../tests/e2e/support/chromium';
import { PRODUCTION_BUILD } from '../tests/e2e/support/extension';

/** The bench needs Chromium and the production build only (bench/run.mjs builds it). */
export default function setup(): void {
  if (!findChromium()) throw new Error(CHROMIUM_HINT);
  if (!existsSync(`${PRODUCTION_BUILD}/manifest.json`))
    throw new Error('run `npm run build` (or `npm run bench`) first');
}
