/**
 * Every DOM selector the helpdesk detectors use, in one file: when a helpdesk changes its markup,
 * this file changes. Each one is exercised by the fixture pages in tests/fixtures/helpdesk/
 * (unit tests read them directly, e2e tests serve them under the real host names).
 *
 * Ticket ids come from the URL and are digits only (see ticketIdFromUrl), so they are safe to put
 * into attribute selectors.
 */

export const zendeskSelectors = {
  /**
   * The pane of one ticket. Zendesk keeps a pane mounted per open ticket tab and hides the others,
   * so every read is scoped to the pane of the ticket in the URL.
   */
  ticketPane: (ticketId: string) => `[data-side-conversations-anchor-id="${ticketId}"]`,
  /** The requester field in the ticket's properties; the button goes right after it. */
  requesterField: '[data-test-id="ticket-system-field-requester-select"]',
  /** The requester's profile card in the context panel of the pane. */
  customerContext: '[data-test-id="customer-context-pane"]',
  customerName: '[data-test-id="customer-context-name"]',
  customerEmail: '[data-test-id="customer-context-email"]',
  /** The conversation: never read (a comment may quote anyone's email). */
  conversation: '[data-test-id="omni-log-container"]',
} as const;

export const gorgiasSelectors = {
  /** The open ticket; a view's ticket list beside it shows other customers, so reads are scoped. */
  ticketDetail: (ticketId: string) => `[data-ticket-id="${ticketId}"]`,
  /** The customer card of the ticket's info bar; the button goes after the customer's name. */
  customerCard: '[data-testid="infobar-customer"]',
  customerName: '[data-testid="infobar-customer-name"]',
  customerEmail: '[data-testid="infobar-customer-email"]',
  /** The conversation: never read. */
  conversation: '[data-testid="ticket-messages"]',
} as const;
