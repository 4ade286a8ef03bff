/**
 * The in-page UI loaded on demand (entrypoints/content-ui.ts): what the agent only needs once they
 * reach for the button, kept out of the content script that every ticket load evaluates.
 */
import type * as Shared from '../shared/i18n';
import { handOver } from './i18n-handed';
import { createMenu, type Menu, type MenuOptions } from './menu';
import { createToaster, type Toaster, type ToasterOptions } from './toast';

export type { Menu, MenuAction, MenuHandlers } from './menu';
export type { ToastAction, Toaster, ToastMessage } from './toast';
export type { MenuOptions, ToasterOptions };

export interface OnDemand {
  menu(options: MenuOptions): Menu;
  toaster(options: ToasterOptions): Toaster;
}

export type StartOnDemand = (shared: typeof Shared) => OnDemand;

export const startOnDemand: StartOnDemand = (shared) => {
  handOver(shared);
  return { menu: createMenu, toaster: createToaster };
};
