/**
 * The content-script runtime shared by every helpdesk: follow the ticket in the URL, detect its
 * requester (the helpdesk's JSON first, the page when that is refused), keep exactly one button by
 * the requester, copy on click / on the shortcut, and answer the popup. Started with the content
 * script's `signal`; when it aborts (extension updated or removed) everything is taken away quietly.
 *
 * Idle when the page is idle: no timers run unless the page mutates or navigates; mutations are
 * coalesced into one check per `settleMs`, and each mutation callback is O(1). Once the button sits
 * by the requester and the customer is known, only the anchor (where a new requester would show)
 * and its ancestors' children are watched, so the conversation growing costs the extension nothing.
 *
 * `flush` is a sequence of named steps, each the one owner of its piece of state: `visit` (the
 * ticket), `detect` / `noticeRequesterChange` (a ticket's detection and the requester last shown),
 * `settled` (the page layer's answer), `placeButton` (with the UI: where the button is),
 * `pageWatcher` (the observer), `coalescer` (the timer), `measure` (the timeline entry).
 */
import { browser } from 'wxt/browser';
import { findComposer } from '../helpdesks/composers';
import { COPY_MEASURE, DETECT_MEASURE, hasLookup, isTabMessage, toCustomerRef } from '../helpdesks/detected';
import type { ApiOutcome, DetectedCustomer, GetJson, Helpdesk } from '../helpdesks/types';
import { requestCopy } from '../shared/copy-here';
import { PortalLinkError } from '../shared/error-codes';
import { errorInfo } from '../shared/errors';
import { formatLifetime } from '../shared/expiry';
import { t } from '../shared/i18n';
import { portSender, type Send } from '../shared/messaging-client';
import type { TabActionReply, TabProtocol } from '../shared/protocol';
import { type ClickProblem, clickProblem, documentEnv } from './clickable';
import { type ComposerBridge, composerBridge, isEditable } from './composer';
import { type ButtonClick, createInlineUi, type InlineUi, type MenuAction, removeStaleUi } from './ui';

/** The Performance-timeline entry of the last insert: from the agent's click to the link shown in the editor. */
export const INSERT_MEASURE = 'portal-link:insert';

const API_TIMEOUT_MS = 10_000;
const POPUP_WAIT_MS = 3_000;

export interface RuntimeOptions {
  signal: AbortSignal;
  /** Registers for single-page navigation (WXT's `wxt:locationchange`), giving the new URL. */
  onLocationChange(listener: (url: URL) => void): void;
  doc?: Document;
  getJson?: GetJson;
  /** Requests to the background; by default over one long-lived port. */
  send?: Send;
  /** Hands the link to the page-world script that inserts it (lib/content/composer.ts). */
  composer?: ComposerBridge;
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
  /** Puts the link into the open ticket's reply composer; resolves true when the editor shows it. */
  insert(): Promise<boolean>;
  /** Has Appstle email the customer their link. */
  email(): Promise<boolean>;
}

/** One look for the requester: the API's answer, then (refused or stale) the page's. */
interface Detection {
  api: Promise<ApiOutcome>;
  outcome?: ApiOutcome;
  page?: DetectedCustomer;
}

interface Ticket {
  id: string;
  /** Replaced when the requester changes (`noticeRequesterChange`); filled in by `detect` and `settled`. */
  detection: Detection;
  /** The ticket's part of the page, kept while it stays in the document: owned by `rootOf`. */
  root?: Element;
  /** The requester the page last showed (`Helpdesk.requesterMark`): owned by `noticeRequesterChange`. */
  mark?: string;
  /** Whether the first detection was recorded on the Performance timeline: owned by `measure`. */
  measured: boolean;
  /**
   * On a helpdesk whose page isn't scoped by ticket id, what the page showed when we navigated here
   * (the previous ticket's customer): not read until the page shows something else. Set by `visit`.
   */
  leftover?: { anchor: Element; mark?: string };
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

/** Runs `run` once, `ms` after the first of a burst of `schedule()` calls. Owns the timer. */
function coalescer(ms: number, run: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule(): void {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        run();
      }, ms);
    },
    cancel(): void {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * The one MutationObserver, and what it watches: the whole document (while the button or the
 * customer is still to be found), or only the button's anchor (its text and link, where a new
 * requester shows) and the anchor's ancestors' children (a re-render that drops either).
 */
function pageWatcher(doc: Document, onChange: () => void) {
  const observer = new MutationObserver(onChange);
  let watching: Element | 'document' | 'nothing' = 'nothing';
  return {
    watchDocument(): void {
      if (watching === 'document') return;
      observer.disconnect();
      watching = 'document';
      observer.observe(doc.documentElement, { childList: true, subtree: true });
    },
    watchAnchor(anchor: Element): void {
      if (watching === anchor) return;
      observer.disconnect();
      watching = anchor;
      observer.observe(anchor, {
        childList: true,
        subtree: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['href', 'title'],
      });
      for (let node: Node | null = anchor.parentNode; node; node = node.parentNode) {
        observer.observe(node, { childList: true });
      }
    },
    /** The next watch call re-observes even the same target (its ancestors may have changed). */
    forget(): void {
      if (watching !== 'document') watching = 'nothing';
    },
    stop(): void {
      observer.disconnect();
      watching = 'nothing';
    },
  };
}

export function startHelpdesk(helpdesk: Helpdesk, options: RuntimeOptions): HelpdeskRuntime {
  const { signal } = options;
  const doc = options.doc ?? document;
  const getJson = options.getJson ?? sameOriginJson;
  const port = portSender(); // connects on its first request
  const send = options.send ?? port.send;
  let bridge = options.composer;
  const settleMs = options.settleMs ?? 60;
  const pinnedTitle = t('content.pinnedTitle', [
    helpdesk.id === 'zendesk' ? t('content.anchorZendesk') : t('content.anchorGorgias'),
  ]);

  /** The ticket in the URL: owned by `visit`. */
  let ticket: Ticket | undefined;
  let lastHref = '';
  let busy = false;
  const judgeClick = options.judgeClick ?? guardClick;
  /** Listeners that end with the script, whichever way it ends (signal, or orphaned). */
  const alive = new AbortController();
  /** Whether a click counts; a click the agent couldn't see is reported, a scripted one ignored. */
  const accept = (...click: Parameters<ButtonClick>): boolean => {
    const verdict = judgeClick(...click);
    if (verdict === 'ignore' || signal.aborted || orphaned()) return false;
    if (verdict) ui.toast('alert', errorInfo(new PortalLinkError('button-covered')).message);
    return !verdict;
  };
  const actions: Record<MenuAction, () => Promise<boolean>> = { insert: () => insert(), email: () => email() };
  const ui: InlineUi = createInlineUi(
    doc,
    (...click) => {
      if (accept(...click)) void copy();
    },
    {
      canEmail: async () => {
        const reply = await send('get-actions');
        return reply.ok && reply.canEmail === true;
      },
      choose: (action, ...click) => {
        if (accept(...click)) void actions[action]();
      },
    },
    { look: helpdesk.id },
  );
  const scheduler = coalescer(settleMs, () => flush());
  const watcher = pageWatcher(doc, () => {
    if (!signal.aborted) scheduler.schedule();
  });

  function visit(url: URL): void {
    if (signal.aborted) return;
    lastHref = url.href;
    const id = helpdesk.ticketIdFromUrl(url);
    if (id === ticket?.id) {
      scheduler.schedule();
      return;
    }
    if (id === undefined) {
      ticket = undefined;
      watcher.stop();
      ui.hideButton();
      return;
    }
    ticket = { id, measured: false, detection: detect(id), leftover: ticket && leftoverOf(ticket) };
    ui.hideButton(); // the previous ticket's anchor; the next flush finds this one's
    watcher.watchDocument();
    scheduler.schedule();
  }

  /** A fresh look for a ticket's requester (on arrival, and when the requester changes). */
  function detect(id: string): Detection {
    const detection: Detection = { api: helpdesk.fromApi(id, getJson) };
    detection.api.then((outcome) => {
      detection.outcome = outcome;
      if (ticket?.detection === detection) scheduler.schedule();
    });
    return detection;
  }

  function rootOf(current: Ticket): Element | undefined {
    if (!current.root?.isConnected) current.root = helpdesk.ticketRoot(doc, current.id);
    return current.root;
  }

  /** The previous ticket's customer as its (unscoped) page shows it, when leaving it by navigation. */
  function leftoverOf(previous: Ticket): Ticket['leftover'] {
    if (helpdesk.scopedByTicket) return undefined;
    const root = rootOf(previous);
    const anchor = root && helpdesk.anchor(root);
    return anchor && { anchor, mark: helpdesk.requesterMark(root) };
  }

  /** Whether the page shows this ticket rather than, still, the one we navigated from. */
  function pageShowsTicket(current: Ticket, root: Element): boolean {
    const leftover = current.leftover;
    if (!leftover) return true;
    const anchor = helpdesk.anchor(root);
    if (anchor === leftover.anchor && helpdesk.requesterMark(root) === leftover.mark) return false;
    current.leftover = undefined; // re-rendered: from now on the page is this ticket's
    return true;
  }

  /** A different requester on the page than last seen → a fresh detection. True when it changed. */
  function noticeRequesterChange(current: Ticket): boolean {
    const root = rootOf(current);
    if (!root || !pageShowsTicket(current, root)) return false;
    const mark = helpdesk.requesterMark(root);
    if (mark === undefined) return false;
    const changed = current.mark !== undefined && mark !== current.mark;
    current.mark = mark;
    if (changed) current.detection = detect(current.id);
    return changed;
  }

  /**
   * The requester once the API has answered: its customer, unless it refused or names someone the
   * page no longer shows (the requester changed and isn't saved yet); then the ticket's own panel.
   * Undefined while the API hasn't answered, or when no layer knows.
   */
  function settled(current: Ticket): DetectedCustomer | undefined {
    const detection = current.detection;
    const outcome = detection.outcome;
    if (!outcome) return undefined;
    const stale = outcome.kind === 'found' && outcome.mark && current.mark && outcome.mark !== current.mark;
    if (outcome.kind === 'found' && !stale) return outcome.customer;
    if (!detection.page) {
      const root = rootOf(current);
      detection.page = root && pageShowsTicket(current, root) ? helpdesk.fromPage(root, current.id) : undefined;
    }
    return detection.page;
  }

  /**
   * Chrome doesn't re-inject content scripts into open tabs on an update, and the orphaned script's
   * `runtime.id` goes away: such a script removes its UI quietly.
   */
  function orphaned(): boolean {
    if (browser.runtime?.id) return false;
    stop();
    return true;
  }

  /** Keeps the button by the requester; re-anchors when the page dropped it, or when `force`d. */
  function placeButton(current: Ticket, force: boolean): Element | 'pinned' | 'none' {
    const placement = ui.placement();
    if (placement !== 'none' && placement !== 'pinned' && !force) return placement;
    const root = rootOf(current);
    ui.place(root && helpdesk.anchor(root), pinnedTitle);
    watcher.forget(); // the anchor's path may have changed even if the anchor did not
    return ui.placement();
  }

  /** The first completed detection's cost, on the Performance timeline (only the latest is kept). */
  function measure(current: Ticket, started: number, found: DetectedCustomer): void {
    current.measured = true;
    performance.clearMeasures(DETECT_MEASURE);
    performance.measure(DETECT_MEASURE, {
      start: started,
      detail: { helpdesk: helpdesk.id, ticketId: current.id, source: found.source },
    });
  }

  /** One coalesced look at the page: follow the URL, notice a new requester, keep the button, watch. */
  function flush(): void {
    if (signal.aborted || orphaned()) return;
    if (location.href !== lastHref) visit(new URL(location.href)); // navigation the watcher missed
    const current = ticket;
    if (!current) return;
    const started = performance.now();
    noticeRequesterChange(current);
    const detecting = current.detection.outcome !== undefined && !current.measured;
    const placement = placeButton(current, detecting);
    const found = settled(current);
    const anchored = placement !== 'none' && placement !== 'pinned';
    // Known and anchored: only the anchor's surroundings can change anything now.
    if (found && anchored) watcher.watchAnchor(placement);
    else watcher.watchDocument();
    if (detecting && found && anchored) measure(current, started, found);
  }

  /** The requester of the ticket on screen, as of now (waits for the API; a change restarts it). */
  async function customer(): Promise<DetectedCustomer | undefined> {
    const current = ticket;
    if (!current) return undefined;
    let detection: Detection;
    do {
      noticeRequesterChange(current);
      detection = current.detection;
      detection.outcome ??= await detection.api;
    } while (detection !== current.detection);
    return settled(current);
  }

  /** The last toast's words, for the popup to repeat after a `copy-detected-link` / `insert-detected-link`. */
  let said = '';
  const alert = (error: PortalLinkError | string) => {
    said = typeof error === 'string' ? error : errorInfo(error).message;
    ui.toast('alert', said);
    return false;
  };
  const status = (text: string) => {
    said = text;
    ui.toast('status', text);
    return true;
  };

  /** One action at a time, with the button busy; the customer must be known first. */
  async function run(action: (found: DetectedCustomer) => Promise<boolean>): Promise<boolean> {
    if (busy || signal.aborted || orphaned()) return false;
    busy = true;
    ui.setBusy(true);
    ui.clearToast();
    said = '';
    try {
      const found = await customer();
      if (!hasLookup(found)) return alert(new PortalLinkError('no-customer'));
      return await action(found);
    } finally {
      busy = false;
      ui.setBusy(false);
    }
  }

  function copy(): Promise<boolean> {
    const started = performance.now();
    return run(async (found) => {
      const result = await requestCopy(send, { customer: toCustomerRef(found) }, doc);
      if (signal.aborted) return false;
      if (!result.ok) return alert(result.error.message);
      ui.done(t('content.copied'));
      const shown = status(t('copiedToast', [result.customer, formatLifetime(result)]));
      performance.clearMeasures(COPY_MEASURE);
      performance.measure(COPY_MEASURE, {
        start: started,
        detail: { cached: result.cached, providerMs: result.providerMs ?? 0 },
      });
      return shown;
    });
  }

  function insert(): Promise<boolean> {
    const started = performance.now();
    return run(async (found) => {
      const current = ticket;
      // The open ticket's composer only; checked before a link is minted for nothing.
      const composer = current && findComposer(helpdesk.id, doc, rootOf(current));
      if (!composer) return alert(new PortalLinkError('no-composer'));
      if (!isEditable(composer)) return alert(new PortalLinkError('composer-read-only'));
      const link = await send('get-link', { customer: toCustomerRef(found) });
      if (signal.aborted) return false;
      if (!link.ok) return alert(link.error.message);
      bridge ??= composerBridge();
      const outcome = await bridge.insert(composer, link.url);
      if (outcome === 'read-only') return alert(new PortalLinkError('composer-read-only'));
      if (outcome !== 'inserted') return alert(new PortalLinkError('insert-failed'));
      performance.clearMeasures(INSERT_MEASURE);
      performance.measure(INSERT_MEASURE, { start: started, detail: { helpdesk: helpdesk.id } });
      ui.done(t('content.inserted'));
      return status(t('insertedToast', [link.customer]));
    });
  }

  function email(): Promise<boolean> {
    return run(async (found) => {
      const reply = await send('email-link', { customer: toCustomerRef(found) });
      if (signal.aborted) return false;
      if (!reply.ok) return alert(reply.error.message);
      ui.done(t('content.emailed'));
      return status(t('emailedToast', [reply.to]));
    });
  }

  function onMessage(message: unknown, sender: { id?: string }, sendResponse: (reply: unknown) => void) {
    if (sender.id !== browser.runtime.id || !isTabMessage(message) || signal.aborted) return undefined;
    if (message.type === 'show-feedback') {
      // The context menu's outcome, in our own toast rather than one the background injects.
      void ui.toast(message.role, message.text);
      sendResponse({ shown: true } satisfies TabProtocol['show-feedback']);
      return undefined;
    }
    if (message.type === 'get-detected-customer') {
      const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, POPUP_WAIT_MS));
      void Promise.race([customer(), timeout]).then((found) => sendResponse(found ?? null));
      return true;
    }
    const done = (ok: boolean) => sendResponse({ handled: true, ok, message: said } satisfies TabActionReply);
    if (!ticket) {
      done(alert(new PortalLinkError('no-customer')));
      return undefined;
    }
    void (message.type === 'insert-detected-link' ? insert() : copy()).then(done);
    return true;
  }

  function stop(): void {
    alive.abort();
    scheduler.cancel();
    watcher.stop();
    ui.remove();
    ticket = undefined;
    port.close();
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
  return { customer, copy, insert, email };
}
