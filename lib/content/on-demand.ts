/**
 * The in-page UI loaded on demand (entrypoints/content-ui.ts): what the agent only needs once they
 * reach for the button, kept out of the content script that every ticket load evaluates.
 */
import type * as Shared from '../shared/i18n';
import { askInPage, type Question } from './dialog';
import { handOver } from './i18n-handed';
import { type InsertAction, type InsertDeps, insertAction } from './insert-action';
import { createMenu, type Menu, type MenuOptions } from './menu';
import { createToaster, type Toaster, type ToasterOptions } from './toast';

export type { Menu, MenuAction, MenuHandlers } from './menu';
export type { ToastAction, Toaster, ToastMessage } from './toast';
export type { MenuOptions, Question, ToasterOptions };

export interface OnDemand {
  menu(options: MenuOptions): Menu;
  toaster(options: ToasterOptions): Toaster;
  /** A question before an insert (lib/content/dialog.ts): true when the agent confirms. */
  ask(doc: Document, question: Question): Promise<boolean>;
  /** "Insert into reply" (lib/content/insert-action.ts), with its bridge to the page world and its questions. */
  insertAction(deps: InsertDeps): InsertAction;
}

export type StartOnDemand = (shared: typeof Shared) => OnDemand;

export const startOnDemand: StartOnDemand = (shared) => {
  handOver(shared);
  return { menu: createMenu, toaster: createToaster, ask: askInPage, insertAction };
};
