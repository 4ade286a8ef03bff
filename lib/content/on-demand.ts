/**
 * The in-page UI loaded on demand (entrypoints/content-ui.ts): what the agent only needs once they
 * reach for the button — the actions and their words (copy, email, insert, what went wrong and the
 * way out), the clickjacking guard, the menu, the toast and the insert's questions — kept out of the
 * content script that every ticket load evaluates. Fetched while the pointer or focus reaches the
 * button (lib/content/ui.ts), or at the first request from the popup or a shortcut.
 */
import { PortalLinkError } from '../shared/error-codes';
import type { PopupGrant } from '../shared/protocol';
import { type ActionDeps, actionRunner, copyAction, emailAction, feedback } from './actions';
import { type ClickProblem, guardClick } from './clickable';
import { askInPage, type Question } from './dialog';
import { type InsertDeps, insertAction } from './insert-action';
import { createMenu, type MenuOptions } from './menu';
import { createToaster, type ToasterOptions } from './toast';
import type { ButtonClick, UiParts } from './ui';

export type { MenuOptions, Question, ToasterOptions };

/** What the content script hands the actions: everything of `InsertDeps` but the feedback, made here. */
export interface TicketActionDeps extends Omit<InsertDeps, 'say'> {
  /** Opens the settings page: the way out of the errors it fixes, and a click on "Finish set-up". */
  openSettings(): void;
  /** Judges a click (default `guardClick`): `ignore`, a clickjacking problem to report, or undefined. */
  judgeClick?: (...click: Parameters<ButtonClick>) => 'ignore' | ClickProblem | undefined;
}

/** The ticket's actions, one at a time, each saying what happened in the toast (and to the popup). */
export interface TicketActions {
  /** Whether a click counts; one the agent couldn't see is reported, a scripted one ignored. */
  accept(...click: Parameters<ButtonClick>): boolean;
  copy(): Promise<boolean>;
  email(): Promise<boolean>;
  /** Inserts the ticket's customer's link, or the one the popup brought. */
  insert(given?: PopupGrant): Promise<boolean>;
  /** The last words, once the toast showing them has them. */
  said(): Promise<string>;
}

export interface OnDemand extends UiParts {
  /** A question before an insert (lib/content/dialog.ts): true when the agent confirms. */
  ask(doc: Document, question: Question): Promise<boolean>;
  actions(deps: TicketActionDeps): TicketActions;
}

export type StartOnDemand = () => OnDemand;

function ticketActions(deps: TicketActionDeps): TicketActions {
  const say = feedback(deps.ui, deps.openSettings);
  const full: ActionDeps & InsertDeps = { ...deps, say };
  const run = actionRunner(full);
  const insertInto = insertAction(full);
  const judge = deps.judgeClick ?? guardClick;
  return {
    accept(...click) {
      const verdict = judge(...click);
      if (verdict === 'ignore' || deps.signal.aborted || deps.orphaned()) return false;
      if (verdict) void deps.ui.toast('alert', new PortalLinkError('button-covered'));
      return !verdict;
    },
    copy: () => run(copyAction(full)),
    email: () => run(emailAction(full)),
    insert: (given) => run((ticket) => insertInto(ticket, given)),
    said: say.said,
  };
}

export const startOnDemand: StartOnDemand = () => ({
  menu: createMenu,
  toaster: createToaster,
  ask: askInPage,
  actions: ticketActions,
});
