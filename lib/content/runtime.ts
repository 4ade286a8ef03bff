/**
 * The content-script runtime shared by every helpdesk: follow the ticket in the URL, detect its
 * requester (the helpdesk's JSON first, the page when that is refused), keep exactly one button by
 * the requester, copy on click / on the shortcut, and answer the popup. Started with the content
 * script's `signal`; when it aborts (extension updated or removed) everything is taken away quietly.
 *
 * Idle when the page is idle: no timers run unless the page mutates or navigates; mutations are
 * coalesced into one check per `settleMs`, and each mutation callback is O(1). Once the button sits
 * by the requester and the customer is known, only the button's ancestors are watched (direct
 * children only), so the conversation growing or a busy page costs the extension nothing.
 */
import { browser } from 'wxt/browser';
import {
  DETECT_MEASURE,
  hasLookup,
  TAB_COPY,
  TAB_GET_CUSTOMER,
  type TabCopyReply,
  type TabMessage,
  toCustomerRef,
} from '../helpdesks/detected';
import type { ApiOutcome, DetectedCustomer, GetJson, Helpdesk } from '../helpdesks/types';
import { errorInfo, PortalLinkError } from '../shared/errors';
import { formatExpiry } from '../shared/expiry';
import { t } from '../shared/i18n';
import type { CopyResult, Reply, Request } from '../shared/messages';
import { sendRequest } from '../shared/messaging-client';
import { type ClickProblem, clickProblem, documentEnv } from './clickable';
import { type ButtonClick, createInlineUi, type InlineUi, removeStaleUi } from './ui';

const API_TIMEOUT_MS = 10_000;
const POPUP_WAIT_MS = 3_000;

export interface RuntimeOptions {
  signal: AbortSignal;
  /** Registers for single-page navigation (WXT's `wxt:locationchange`), giving the new URL. */
  onLocationChange(listener: (url: URL) => void): void;
  doc?: Document;
  getJson?: GetJson;
  send?: (request: Request) => Promise<Reply<CopyResult>>;
  /** Quiet time after the last mutation before the page is checked again. */
  settleMs?: number;
  /**
   * Judges a click on the button: `ignore` (the page's own script clicked it), a clickjacking
   * problem to tell the agent about, or undefined to copy. Defaults to `guardClick`.
   */
  judgeClick?: (...click: Parameters<ButtonClick>) => 'ignore' | ClickProblem | undefined;
}

/**
 * Only the agent's own clicks count (the shadow root is open, so the page can reach the button and
 * call `click()`), and only on a button they could see (not covered, not faded out).
 */
export function guardClick(...[event, host, button]: Parameters<ButtonClick>): 'ignore' | ClickProblem | undefined {
  if (!event.isTrusted) return 'ignore';
  return clickProblem(host, button, documentEnv(host.ownerDocument));
}

export interface HelpdeskRuntime {
  /** The requester of the ticket on screen (waits for the API), undefined off a ticket. */
  customer(): Promise<DetectedCustomer | undefined>;
  /** What a click does; resolves true when the link was copied. */
  copy(): Promise<boolean>;
}

interface Ticket {
  id: string;
  api: Promise<ApiOutcome>;
  outcome?: ApiOutcome;
  page?: DetectedCustomer;
  /** The ticket's part of the page, kept while it stays in the document. */
  root?: Element;
  measured: boolean;
}

/**
 * A same-origin GET with the agent's session cookie, as the helpdesk's own app does. Firefox runs
 * a content script's own `fetch` as the extension; `content.fetch` runs it as the page (MDN).
 */
export const sameOriginJson: GetJson = async (path) => {
  const page = (globalThis as { content?: { fetch?: typeof fetch } }).content;
  const pageFetch = typeof page?.fetch === 'function' ? page.fetch.bind(page) : fetch;
  const response = await pageFetch(new URL(path, location.origin), {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(API_TIMEOUT_MS),
  });
  const body: unknown = await response.json().catch(() => undefined);
  return { status: response.status, body };
};

function isTabMessage(message: unknown): message is TabMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === TAB_GET_CUSTOMER || type === TAB_COPY;
}

export function startHelpdesk(helpdesk: Helpdesk, options: RuntimeOptions): HelpdeskRuntime {
  const { signal } = options;
  const doc = options.doc ?? document;
  const getJson = options.getJson ?? sameOriginJson;
  const send = options.send ?? ((request: Request) => sendRequest<CopyResult>(request));
  const settleMs = options.settleMs ?? 60;

  let ticket: Ticket | undefined;
  let lastHref = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let busy = false;
  const judgeClick = options.judgeClick ?? guardClick;
  /** Listeners that end with the script, whichever way it ends (signal, or orphaned). */
  const alive = new AbortController();
  const ui: InlineUi = createInlineUi(doc, (...click) => {
    const verdict = judgeClick(...click);
    if (verdict === 'ignore' || signal.aborted || orphaned()) return;
    if (verdict) ui.toast('alert', errorInfo(new PortalLinkError('button-covered')).message);
    else void copy();
  });
  const observer = new MutationObserver(schedule);
  /** What the observer watches: the whole document, or the path from the button's anchor up. */
  let watching: Element | 'document' | 'nothing' = 'nothing';

  function watch(target: Element | 'document'): void {
    if (target === watching) return;
    observer.disconnect();
    watching = target;
    if (target === 'document') {
      observer.observe(doc.documentElement, { childList: true, subtree: true });
      return;
    }
    // A re-render that drops the button or its anchor changes the children of one of these.
    for (let node: Node | null = target.parentNode; node; node = node.parentNode) {
      observer.observe(node, { childList: true });
    }
  }

  function unwatch(): void {
    observer.disconnect();
    watching = 'nothing';
  }

  function schedule(): void {
    if (timer !== undefined || signal.aborted) return;
    timer = setTimeout(flush, settleMs);
  }

  function visit(url: URL): void {
    if (signal.aborted) return;
    lastHref = url.href;
    const id = helpdesk.ticketIdFromUrl(url);
    if (id === ticket?.id) {
      schedule();
      return;
    }
    if (id === undefined) {
      ticket = undefined;
      unwatch();
      ui.hideButton();
      return;
    }
    const next: Ticket = { id, api: helpdesk.fromApi(id, getJson), measured: false };
    next.api.then((outcome) => {
      next.outcome = outcome;
      if (ticket === next) schedule();
    });
    ticket = next;
    ui.hideButton(); // the previous ticket's anchor; the next flush finds this one's
    watch('document');
    schedule();
  }

  function rootOf(current: Ticket): Element | undefined {
    if (!current.root?.isConnected) current.root = helpdesk.ticketRoot(doc, current.id);
    return current.root;
  }

  function readPage(current: Ticket): DetectedCustomer | undefined {
    const root = rootOf(current);
    return root && helpdesk.fromPage(root, current.id);
  }

  /**
   * Chrome doesn't re-inject content scripts into open tabs on an update, and the orphaned script's
   * `runtime.id` goes away: such a script removes its UI quietly (DESIGN §6).
   */
  function orphaned(): boolean {
    if (browser.runtime?.id) return false;
    stop();
    return true;
  }

  /** One coalesced look at the page: re-read the URL, keep the button by the requester. */
  function flush(): void {
    timer = undefined;
    if (signal.aborted || orphaned()) return;
    if (location.href !== lastHref) visit(new URL(location.href)); // navigation the watcher missed
    const current = ticket;
    if (!current) return;
    const started = performance.now();
    const settled = current.outcome !== undefined;
    const detecting = settled && !current.measured;
    const placement = ui.placement();
    // Re-anchor when the page dropped the button; the pass that completes detection always looks.
    if (placement === 'none' || placement === 'pinned' || detecting) {
      const root = rootOf(current);
      ui.place(root && helpdesk.anchor(root));
      watching = 'nothing'; // the anchor's path may have changed even if the anchor did not
    }
    if (current.outcome?.kind === 'refused' && !current.page) current.page = readPage(current);
    const known = current.outcome?.kind === 'found' || current.page !== undefined;
    const anchor = ui.placement();
    watch(known && anchor !== 'none' && anchor !== 'pinned' ? anchor : 'document');
    if (detecting && known && ui.placement() !== 'pinned') {
      current.measured = true;
      // Only the latest entry is kept, so a long session doesn't grow the timeline.
      performance.clearMeasures(DETECT_MEASURE);
      performance.measure(DETECT_MEASURE, {
        start: started,
        detail: { helpdesk: helpdesk.id, ticketId: current.id, source: current.page ? 'page' : 'api' },
      });
    }
  }

  async function customer(): Promise<DetectedCustomer | undefined> {
    const current = ticket;
    if (!current) return undefined;
    const outcome = await current.api;
    if (outcome.kind === 'found') return outcome.customer;
    current.page ??= readPage(current);
    return current.page;
  }

  async function copy(): Promise<boolean> {
    if (busy || signal.aborted || orphaned()) return false;
    busy = true;
    ui.setBusy(true);
    ui.clearToast();
    try {
      const found = await customer();
      if (!hasLookup(found)) {
        ui.toast('alert', errorInfo(new PortalLinkError('no-customer')).message);
        return false;
      }
      const reply = await send({ type: 'copy-portal-link', customer: toCustomerRef(found) });
      if (signal.aborted) return false;
      if (reply.ok) ui.toast('status', t('copiedToast', [formatExpiry(reply.expiresAt)]));
      else ui.toast('alert', reply.error.message);
      return reply.ok;
    } finally {
      busy = false;
      ui.setBusy(false);
    }
  }

  function onMessage(message: unknown, sender: { id?: string }, sendResponse: (reply: unknown) => void) {
    if (sender.id !== browser.runtime.id || !isTabMessage(message) || signal.aborted) return undefined;
    if (message.type === TAB_GET_CUSTOMER) {
      const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, POPUP_WAIT_MS));
      void Promise.race([customer(), timeout]).then((found) => sendResponse(found ?? null));
      return true;
    }
    const done = (ok: boolean) => sendResponse({ handled: true, ok } satisfies TabCopyReply);
    if (!ticket) {
      ui.toast('alert', errorInfo(new PortalLinkError('no-customer')).message);
      done(false);
      return undefined;
    }
    void copy().then(done);
    return true;
  }

  function stop(): void {
    alive.abort();
    clearTimeout(timer);
    timer = undefined;
    unwatch();
    ui.remove();
    ticket = undefined;
    browser.runtime?.onMessage.removeListener(onMessage);
  }

  if (!signal.aborted) {
    removeStaleUi(doc);
    browser.runtime.onMessage.addListener(onMessage);
    signal.addEventListener('abort', stop, { once: true });
    // An update orphans this script without telling it: look again whenever the agent could see
    // or reach the button (tab shown, window focused, pointer over it), so it goes before a click.
    const recheck = () => void (signal.aborted || orphaned());
    doc.addEventListener('visibilitychange', recheck, { signal: alive.signal });
    doc.defaultView?.addEventListener('focus', recheck, { signal: alive.signal });
    ui.onHostEvent('pointerover', recheck, alive.signal);
    options.onLocationChange(visit);
    visit(new URL(location.href));
  }
  return { customer, copy };
}
