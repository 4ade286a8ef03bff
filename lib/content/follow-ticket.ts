/**
 * Following the ticket in the URL: which ticket is on screen, and which part of the page is its own
 * (on a helpdesk whose page is not scoped by ticket, not the previous ticket's page still showing).
 */
import type { ApiOutcome, DetectedCustomer, Helpdesk } from '../helpdesks/types';

/** One look for the requester: the API's answer, then (refused or stale) the page's. */
export interface Detection {
  /**
   * The API's answer, asked once at the first need (the agent reaching for the button, the popup,
   * an action), not on arrival: a ticket only read costs the page no request and the account no API call.
   */
  api(): Promise<ApiOutcome>;
  outcome?: ApiOutcome;
  page?: DetectedCustomer;
}

export interface Ticket {
  id: string;
  /** Replaced when the requester changes (detect-customer.ts). */
  detection: Detection;
  /** The ticket's part of the page, kept while it stays in the document: owned by `rootOf`. */
  root?: Element;
  /** The requester the page last showed (`Helpdesk.requesterMark`): owned by detect-customer.ts. */
  mark?: string;
  /** Whether the first detection was recorded on the Performance timeline. */
  measured: boolean;
  /**
   * On a helpdesk whose page isn't scoped by ticket id, what the page showed when we navigated here
   * (the previous ticket's customer): not read until the page shows something else.
   */
  leftover?: { anchor: Element; mark?: string };
}

/** Where a ticket is on the page: pure reads of the DOM, shared by everything that acts on a ticket. */
export function ticketView(helpdesk: Helpdesk, doc: Document) {
  function rootOf(ticket: Ticket): Element | undefined {
    if (!ticket.root?.isConnected) ticket.root = helpdesk.ticketRoot(doc, ticket.id);
    return ticket.root;
  }

  /** Whether the page shows this ticket rather than, still, the one we navigated from. */
  function showsTicket(ticket: Ticket, root: Element): boolean {
    const leftover = ticket.leftover;
    if (!leftover) return true;
    if (helpdesk.anchor(root) === leftover.anchor && helpdesk.requesterMark(root) === leftover.mark) return false;
    ticket.leftover = undefined; // re-rendered: from now on the page is this ticket's
    return true;
  }

  return {
    rootOf,
    /** The ticket's part of the page, once the page shows this ticket (not the previous one). */
    shownRoot(ticket: Ticket): Element | undefined {
      const root = rootOf(ticket);
      return root && showsTicket(ticket, root) ? root : undefined;
    },
    /** The previous ticket's customer as its (unscoped) page shows it, when leaving it by navigation. */
    leftoverOf(previous: Ticket): Ticket['leftover'] {
      if (helpdesk.scopedByTicket) return undefined;
      const root = rootOf(previous);
      const anchor = root && helpdesk.anchor(root);
      return anchor && { anchor, mark: helpdesk.requesterMark(root) };
    },
  };
}
export type TicketView = ReturnType<typeof ticketView>;

/** The ticket in the URL, the one owner of "which ticket is on screen". */
export function followTicket(helpdesk: Helpdesk, view: TicketView, detect: (id: string) => Detection) {
  let ticket: Ticket | undefined;
  return {
    current: (): Ticket | undefined => ticket,
    /** Follows a URL: `same` ticket, `none` (off a ticket) or `arrived` on another one. */
    visit(url: URL): 'same' | 'none' | 'arrived' {
      const id = helpdesk.ticketIdFromUrl(url);
      if (id !== undefined && id === ticket?.id) return 'same';
      const previous = ticket;
      ticket =
        id === undefined
          ? undefined
          : { id, measured: false, detection: detect(id), leftover: previous && view.leftoverOf(previous) };
      return ticket ? 'arrived' : 'none';
    },
    clear(): void {
      ticket = undefined;
    },
  };
}
export type TicketFollower = ReturnType<typeof followTicket>;
