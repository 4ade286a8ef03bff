import { existsSync } from 'node:fs';
import { CHROMIUM_HINT, findChromium } from './chromium';
import { E2E_BUILD, PRODUCTION_BUILD } from './extension';
import { FIREFOX_BUILD, FIREFOX_E2E_BUILD, FIREFOX_HINT, findFirefox } from './firefox';

/** Fails the whole run once, with the fix, rather than every test with a launch error. */
export default function setup(): void {
  if (!findChromium()) throw new Error(CHROMIUM_HINT);
  if (!findFirefox()) throw new Error(FIREFOX_HINT);
  for (const build of [PRODUCTION_BUILD, E2E_BUILD, FIREFOX_BUILD, FIREFOX_E2E_BUILD]) {
    if (!existsSync(`${build}/manifest.json`)) throw new Error(`${build} is missing: run \`npm run build:all\` first.`);
  }
}
