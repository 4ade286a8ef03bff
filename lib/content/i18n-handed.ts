/**
 * Inside the on-demand module's build, every import of lib/shared/i18n resolves to this file
 * (wxt.config.ts): the words come from the content script's own instance, handed over when the module
 * starts, instead of a second copy of the i18n library in the module.
 */
import type * as Shared from '../shared/i18n';

export let i18n: typeof Shared.i18n;
export let t: typeof Shared.t;
export let messageLocale: typeof Shared.messageLocale;

export function handOver(shared: typeof Shared): void {
  ({ i18n, t, messageLocale } = shared);
}
