/** The open ticket's reply composer, or undefined when it has none on screen (never another ticket's). */
import { gorgiasSelectors, zendeskSelectors } from './selectors';
import type { HelpdeskId } from './types';

export function findComposer(
  helpdesk: HelpdeskId,
  doc: Document,
  ticketRoot: Element | undefined,
): HTMLElement | undefined {
  const found =
    helpdesk === 'zendesk'
      ? ticketRoot?.querySelector(zendeskSelectors.composer.css)
      : doc.querySelector(gorgiasSelectors.composer.css);
  return found instanceof HTMLElement ? found : undefined;
}
