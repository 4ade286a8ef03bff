/**
 * The keyboard shortcuts: ask the ticket tab's content script to copy, or to insert the link into
 * the reply (it shows the busy button and the toast). Where no content script answers, say "No customer detected on this page" on the
 * action badge. Side effects are passed in so this is testable without a browser.
 */

import { parseActionReply } from '../helpdesks/detected';
import { PortalLinkError } from '../shared/error-codes';
import { type ErrorInfo, errorInfo } from '../shared/errors';
import type { BareTabType } from '../shared/protocol';

/** Keyboard command ids (the manifest's `commands`): not message types, which are verb-noun. */
export const COMMAND_COPY = 'copy-portal-link';
export const COMMAND_INSERT = 'insert-portal-link';

const TAB_MESSAGES: Record<string, BareTabType> = {
  [COMMAND_COPY]: 'copy-detected-link',
  [COMMAND_INSERT]: 'insert-detected-link',
};

export type CommandOutcome = { ok: true; shownInPage: true } | { ok: false; shownInPage: boolean; error?: ErrorInfo };

export interface CommandDeps {
  /** The active tab when the browser didn't say. */
  activeTab(): Promise<{ id?: number } | undefined>;
  /** `tabs.sendMessage` to the tab's top frame; rejects when nothing listens there. */
  sendToTab(tabId: number, type: BareTabType): Promise<unknown>;
  /** Feedback on the toolbar button, for pages without our content script. */
  report(tabId: number | undefined, outcome: { ok: false; error: ErrorInfo }): Promise<void>;
}

export async function handleCommand(
  name: string,
  tab: { id?: number } | undefined,
  deps: CommandDeps,
): Promise<CommandOutcome | undefined> {
  const type = TAB_MESSAGES[name];
  if (!type) return undefined;
  const tabId = (tab?.id !== undefined && tab.id >= 0 ? tab : await deps.activeTab().catch(() => undefined))?.id;
  const reply = parseActionReply(
    tabId === undefined ? undefined : await deps.sendToTab(tabId, type).catch(() => undefined),
  );
  if (reply) return reply.ok ? { ok: true, shownInPage: true } : { ok: false, shownInPage: true };
  const error = errorInfo(new PortalLinkError('no-customer'));
  await deps.report(tabId, { ok: false, error }).catch(() => undefined);
  return { ok: false, shownInPage: false, error };
}
