/**
 * The customer detected on the ticket the agent is looking at, asked from the popup: the active
 * tab's content script answers; its reply is checked like any untrusted value. When the popup page
 * is itself a tab (opened directly or detached), "the ticket" is the tab the agent used last.
 */
import { parseDetected } from '../helpdesks/detected';
import type { DetectedCustomer } from '../helpdesks/types';
import type { BareTabType } from './protocol';

interface TabLike {
  id?: number;
  active?: boolean;
  lastAccessed?: number;
}

export interface ActiveTicketDeps {
  /** The tab this page runs in, undefined for the toolbar popup. */
  currentTab(): Promise<TabLike | undefined>;
  tabsOfCurrentWindow(): Promise<TabLike[]>;
  sendToTab(tabId: number, type: BareTabType): Promise<unknown>;
}

export async function ticketTabId(deps: Pick<ActiveTicketDeps, 'currentTab' | 'tabsOfCurrentWindow'>) {
  const self = await deps.currentTab().catch(() => undefined);
  const tabs = (await deps.tabsOfCurrentWindow()).filter((t) => t.id !== undefined && t.id !== self?.id);
  const tab = self ? tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0] : tabs.find((t) => t.active);
  return tab?.id;
}

export async function customerOnActiveTab(deps: ActiveTicketDeps): Promise<DetectedCustomer | undefined> {
  try {
    const tabId = await ticketTabId(deps);
    if (tabId === undefined) return undefined;
    return parseDetected(await deps.sendToTab(tabId, 'get-detected-customer'));
  } catch {
    return undefined; // no content script there: not a ticket
  }
}
