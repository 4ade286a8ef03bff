/** The Zendesk tickets the bench opens: the shared fixtures plus its own sizes, and the fixture's navigation. */
import type { Page } from 'playwright-core';
import { BOB, JANE, ZENDESK_HOST, ZENDESK_TICKETS, type ZendeskTicket } from '../tests/fixtures/helpdesk/zendesk';

/** Ticket fixtures by comment count; the 5,000 ones are the shared fixtures 106/107, the rest are added here. */
export const SIZES = [
  { comments: 100, api: 201, page: 211 },
  { comments: 1000, api: 202, page: 212 },
  { comments: 5000, api: 106, page: 107 },
] as const;
export function addBenchTickets(): void {
  for (const { comments, api, page } of SIZES) {
    const common = { comments: [] as ZendeskTicket['comments'], filler: comments };
    ZENDESK_TICKETS[api] ??= { id: api, subject: `Bench: ${comments} comments`, requester: JANE, ...common };
    ZENDESK_TICKETS[page] ??= {
      id: page,
      subject: `Bench: ${comments} comments, API refused`,
      requester: BOB,
      ...common,
      api: 401,
    };
  }
}

export const ticketUrl = (id: number) => `https://${ZENDESK_HOST}/agent/tickets/${id}`;

/** The fixture's own single-page navigation (a click on its nav link), without Playwright's actionability waits. */
export async function go(page: Page, ticket: number): Promise<void> {
  await page.evaluate((href) => {
    const link = document.querySelector<HTMLAnchorElement>(`#views a[href="${href}"]`);
    if (!link) throw new Error(`no link to ${href}`);
    link.click();
  }, `/agent/tickets/${ticket}`);
}
