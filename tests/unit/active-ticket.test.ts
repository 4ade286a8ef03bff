import { describe, expect, it, vi } from 'vitest';
import { type ActiveTicketDeps, customerOnActiveTab, ticketTabId } from '../../lib/shared/active-ticket';

const TABS = [
  { id: 1, active: false, lastAccessed: 300 },
  { id: 2, active: true, lastAccessed: 100 },
  { id: 3, active: false, lastAccessed: 200 },
];

function deps(
  self: { id: number } | undefined,
  reply: unknown = null,
): ActiveTicketDeps & { sendToTab: ReturnType<typeof vi.fn> } {
  return {
    currentTab: async () => self,
    tabsOfCurrentWindow: async () => TABS,
    sendToTab: vi.fn(async () => reply),
  };
}

describe('ticketTabId', () => {
  it('the toolbar popup (not a tab): the active tab', async () => {
    expect(await ticketTabId(deps(undefined))).toBe(2);
  });

  it('the popup page opened as a tab: the tab used last, other than itself', async () => {
    expect(await ticketTabId(deps({ id: 1 }))).toBe(3);
    expect(await ticketTabId(deps({ id: 2 }))).toBe(1);
  });
});

describe('customerOnActiveTab', () => {
  it('asks the tab and checks the answer', async () => {
    const d = deps(undefined, { helpdesk: 'zendesk', ticketId: '101', email: 'jane@example.com', source: 'api' });
    expect(await customerOnActiveTab(d)).toEqual({
      helpdesk: 'zendesk',
      ticketId: '101',
      email: 'jane@example.com',
      source: 'api',
    });
    expect(d.sendToTab).toHaveBeenCalledWith(2, 'get-detected-customer');
  });

  it.each([null, { email: 'jane@example.com' }, 'jane@example.com'])(
    'an answer that is not a customer (%j) → none',
    async (reply) => {
      expect(await customerOnActiveTab(deps(undefined, reply))).toBeUndefined();
    },
  );

  it('no content script in the tab → none', async () => {
    const d = deps(undefined);
    d.sendToTab.mockRejectedValue(new Error('Could not establish connection. Receiving end does not exist.'));
    expect(await customerOnActiveTab(d)).toBeUndefined();
  });
});
