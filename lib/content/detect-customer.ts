/**
 * Detecting a ticket's requester: the helpdesk's JSON first, the ticket's own panel when that is
 * refused or stale; a requester changed on the page starts a fresh detection. The JSON is asked for
 * when first needed (`Detection.api`), not when the ticket opens.
 */
import { DETECT_MEASURE } from '../helpdesks/detected';
import type { ApiOutcome, DetectedCustomer, GetJson, Helpdesk } from '../helpdesks/types';
import type { Detection, Ticket, TicketView } from './follow-ticket';

/** `onAnswer(detection)`: the API answered for that detection (the caller checks it is still current). */
export function customerDetector(
  helpdesk: Helpdesk,
  getJson: GetJson,
  view: TicketView,
  onAnswer: (detection: Detection) => void,
) {
  /** A fresh look for a ticket's requester (on arrival, and when the requester changes); asked at the first need. */
  function detect(id: string): Detection {
    let asked: Promise<ApiOutcome> | undefined;
    const detection: Detection = {
      api: () =>
        (asked ??= helpdesk.fromApi(id, getJson).then((outcome) => {
          detection.outcome = outcome;
          onAnswer(detection);
          return outcome;
        })),
    };
    return detection;
  }

  /** A different requester on the page than last seen → a fresh detection. True when it changed. */
  function noticeRequesterChange(ticket: Ticket): boolean {
    const root = view.shownRoot(ticket);
    if (!root) return false;
    const mark = helpdesk.requesterMark(root);
    if (mark === undefined) return false;
    const changed = ticket.mark !== undefined && mark !== ticket.mark;
    ticket.mark = mark;
    if (changed) ticket.detection = detect(ticket.id);
    return changed;
  }

  /**
   * The requester once the API has answered: its customer, unless it refused or names someone the
   * page no longer shows (the requester changed and isn't saved yet); then the ticket's own panel.
   * Undefined while the API hasn't answered, or when no layer knows.
   */
  function settled(ticket: Ticket): DetectedCustomer | undefined {
    const detection = ticket.detection;
    const outcome = detection.outcome;
    if (!outcome) return undefined;
    const stale = outcome.kind === 'found' && outcome.mark && ticket.mark && outcome.mark !== ticket.mark;
    if (outcome.kind === 'found' && !stale) return outcome.customer;
    if (!detection.page) {
      const root = view.shownRoot(ticket);
      detection.page = root ? helpdesk.fromPage(root, ticket.id) : undefined;
    }
    return detection.page;
  }

  /** The requester of this ticket, as of now (waits for the API; a requester change restarts it). */
  async function customer(ticket: Ticket | undefined): Promise<DetectedCustomer | undefined> {
    if (!ticket) return undefined;
    let detection: Detection;
    do {
      noticeRequesterChange(ticket);
      detection = ticket.detection;
      detection.outcome ??= await detection.api();
    } while (detection !== ticket.detection);
    return settled(ticket);
  }

  /** The first completed detection's cost, on the Performance timeline (only the latest is kept). */
  function measure(ticket: Ticket, started: number, found: DetectedCustomer): void {
    ticket.measured = true;
    performance.clearMeasures(DETECT_MEASURE);
    performance.measure(DETECT_MEASURE, {
      start: started,
      detail: { helpdesk: helpdesk.id, ticketId: ticket.id, source: found.source },
    });
  }

  return { detect, noticeRequesterChange, settled, customer, measure };
}
export type CustomerDetector = ReturnType<typeof customerDetector>;
