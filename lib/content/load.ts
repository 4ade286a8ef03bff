/**
 * Loads the on-demand half of the in-page UI (entrypoints/content-ui.ts, an ES module listed in
 * web_accessible_resources for the helpdesks only) into this content script's own world. Chromium
 * and Firefox both run a module imported from a content script in the content script's world, with
 * its privileges, so the page can't reach it. The module has its words (`t`); the content script has
 * none but the button's (lib/content/button-words.ts).
 */
import { browser } from 'wxt/browser';
import type { OnDemand, StartOnDemand } from './on-demand';

/** The module's file in the build, as WXT names the unlisted script `content-ui`. */
export const ON_DEMAND_FILE = '/content-ui.js';

export async function loadOnDemand(): Promise<OnDemand> {
  const module: { default: StartOnDemand } = await import(/* @vite-ignore */ browser.runtime.getURL(ON_DEMAND_FILE));
  return module.default();
}
