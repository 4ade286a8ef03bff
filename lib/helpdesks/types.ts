/**
 * One helpdesk behind one small interface: where its tickets live, which same-origin JSON to ask
 * for the requester, and how to read the page when that JSON is refused. Parsers only: the
 * browser-facing runtime (lib/content/) does the fetching, scheduling and UI.
 * Content-script code: no zod, no background modules (biome.json enforces it).
 */

export type HelpdeskId = 'zendesk' | 'gorgias';

/** A Shopify customer id the helpdesk knows for the requester, with its shop when known. */
export interface ShopifyRef {
  id: string;
  /** `acme-shop.myshopify.com`, when the helpdesk says which shop the id belongs to. */
  shop?: string;
}

/** The requester of the ticket on screen, as the helpdesk reports it. */
export interface DetectedCustomer {
  helpdesk: HelpdeskId;
  ticketId: string;
  name?: string;
  /** Absent for a requester without an email (phone, social). */
  email?: string;
  shopify?: ShopifyRef[];
  /** `api`: the helpdesk's own JSON; `page`: the profile panel of the ticket (API refused). */
  source: 'api' | 'page';
}

/** A same-origin GET as the agent (their session cookie): status and parsed JSON (undefined if not JSON). */
export type GetJson = (path: string) => Promise<{ status: number; body: unknown }>;

/**
 * What the API said: a requester (possibly without email) with the mark the page shows for them
 * (see `requesterMark`), or a refusal that sends us to the page.
 */
export type ApiOutcome =
  | { kind: 'found'; customer: DetectedCustomer; mark?: string }
  | { kind: 'refused'; status: number };

export interface Helpdesk {
  id: HelpdeskId;
  /** The ticket on screen from the page URL; undefined off a ticket. */
  ticketIdFromUrl(url: URL): string | undefined;
  /** Asks the helpdesk's JSON API (with the agent's session) for the requester. Never throws. */
  fromApi(ticketId: string, getJson: GetJson): Promise<ApiOutcome>;
  /**
   * The part of the page that shows this ticket (Zendesk keeps other tickets' layouts mounted);
   * every read below is scoped to it. The runtime keeps it while it stays in the document.
   */
  ticketRoot(doc: Document, ticketId: string): Element | undefined;
  /**
   * Whether `ticketRoot` finds this ticket's own part of the page by its id (Zendesk), or just the
   * page, which shows one ticket at a time and may still show the previous one (Gorgias).
   */
  scopedByTicket: boolean;
  /** The requester as the ticket's profile panel shows it; comments are never read. */
  fromPage(root: Element, ticketId: string): DetectedCustomer | undefined;
  /** Where the button goes (it is inserted after this element); undefined → pinned to the corner. */
  anchor(root: Element): Element | undefined;
  /**
   * A cheap reading of who the page says the requester is (a name, a profile link): when it changes
   * the agent changed the requester, and when it differs from the API's `mark` the API is stale.
   */
  requesterMark(root: Element): string | undefined;
  /**
   * Whether the ticket's customer panel is closed, so that opening it would let the requester be read
   * from the page (when the API refuses). Absent: the page has no such panel to offer.
   */
  panelClosed?(root: Element): boolean;
  /** The ticket's reply editor inside `root` (never another ticket's), undefined when none is open. */
  composer(root: Element): HTMLElement | undefined;
  /** The email the reply goes to, where the ticket's composer shows it; undefined when it shows none. */
  recipient(root: Element): string | undefined;
}
