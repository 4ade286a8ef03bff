/**
 * The reply composers of the helpdesk fixtures as the insert tests see them, in Chromium (Playwright)
 * and Firefox (puppeteer) alike: which ticket is open, where its editor is, and what the editor holds.
 */
import { GORGIAS_COMPOSER, ZENDESK_COMPOSER } from '../../fixtures/composers';
import { GORGIAS_HOST } from '../../fixtures/helpdesk/gorgias';
import { ZENDESK_HOST } from '../../fixtures/helpdesk/zendesk';

export const HOSTS = { zendesk: ZENDESK_HOST, gorgias: GORGIAS_HOST } as const;
export type HelpdeskName = keyof typeof HOSTS;
/** The open ticket on each helpdesk (Zendesk keeps the other open tabs' tickets, and their composers, mounted). */
export const TICKET = { zendesk: 101, gorgias: 202 } as const;

let serial = 0;
/** The open ticket's URL, unique per call (a fresh page load); `query` adds fixture switches (`&readonly`). */
export function ticketUrl(helpdesk: HelpdeskName, query = ''): string {
  const path = helpdesk === 'zendesk' ? `/agent/tickets/${TICKET.zendesk}` : `/app/ticket/${TICKET.gorgias}`;
  return `https://${HOSTS[helpdesk]}${path}?t=${++serial}${query}`;
}

/** The editable of a ticket's reply composer (Zendesk: inside that ticket's layout). */
export function composerSelector(helpdesk: HelpdeskName, ticket: number = TICKET[helpdesk]): string {
  return helpdesk === 'zendesk'
    ? `[data-test-id="ticket-${ticket}-custom-layout"] .ck-editor__editable${ZENDESK_COMPOSER}`
    : GORGIAS_COMPOSER;
}

export interface EditorReply {
  text: string;
  /** Each link as `href|text`. */
  links: string[];
}

/**
 * Runs in the page (pass it to `evaluate`): the reply as the editor holds it, CKEditor's getData(),
 * or the text and links of Draft's content state (the fixture exposes it as `__draftContent`).
 */
export function readReplyInPage({ helpdesk, selector }: { helpdesk: HelpdeskName; selector: string }): EditorReply {
  if (helpdesk === 'zendesk') {
    const el = document.querySelector(selector) as HTMLElement & { ckeditorInstance: { getData(): string } };
    const data = el.ckeditorInstance.getData();
    const doc = new DOMParser().parseFromString(data, 'text/html');
    return {
      text: data,
      links: [...doc.querySelectorAll('a')].map((a) => `${a.getAttribute('href')}|${a.textContent}`),
    };
  }
  const raw = JSON.parse((window as unknown as { __draftContent(): string }).__draftContent()) as {
    blocks: { text: string; entityRanges: { offset: number; length: number; key: number }[] }[];
    entityMap: Record<string, { type: string; data: { url: string } }>;
  };
  const links = raw.blocks.flatMap((b) =>
    b.entityRanges.map((r) => `${raw.entityMap[r.key]?.data.url}|${b.text.slice(r.offset, r.offset + r.length)}`),
  );
  return { text: raw.blocks.map((b) => b.text).join('\n'), links };
}

/** The reply typed by the tests ("Hello thanks", caret before "thanks"), without and with the link inserted. */
export function typedReply(helpdesk: HelpdeskName, link?: string): string {
  const text =
    link === undefined
      ? 'Hello thanks'
      : `Hello ${helpdesk === 'zendesk' ? `<a href="${link}">${link}</a>` : link}thanks`;
  return helpdesk === 'zendesk' ? `<p>${text}</p>` : text;
}

/** In the page: whether an inline `<script>` added now runs (false under the fixture's `?csp`). */
export function inlineScriptRuns(): boolean {
  const flag = '__fixtureInlineRan';
  const script = document.createElement('script');
  script.textContent = `window.${flag} = true`;
  document.head.append(script);
  script.remove();
  return (window as unknown as Record<string, unknown>)[flag] === true;
}
