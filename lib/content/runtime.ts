/**
 * The content-script runtime shared by every helpdesk, composed of small parts that each own their
 * state: following the ticket in the URL (follow-ticket.ts), detecting its requester
 * (detect-customer.ts), keeping one button by the requester (below, with page-watch.ts) and
 * answering the popup (answer-popup.ts). The actions themselves (copy, email, insert and their
 * words) come with the on-demand module (on-demand.ts) at the first click or request. Started with the
 * content script's `signal`; when it aborts (extension updated or removed) everything is taken
 * away quietly.
 *
 * Idle when the page is idle: no timers run unless the page mutates or navigates; mutations are
 * coalesced into one check per `settleMs`, and each mutation callback is O(1). Once the button sits
 * by the requester, only the anchor (where a new requester would show) and its ancestors' children
 * are watched, so the conversation growing costs the extension nothing. The requester is looked up
 * when first needed (the pointer or focus reaching the button, the popup, an action), so opening a
 * ticket costs the page no request.
 */
import { browser } from 'wxt/browser';
import type { DetectedCustomer, GetJson, Helpdesk } from '../helpdesks/types';
import { portSender, type Send } from '../shared/messaging-client';
import type { PopupGrant } from '../shared/protocol';
import { answerPopup } from './answer-popup';
import type { ClickProblem } from './clickable';
import { customerDetector } from './detect-customer';
import { followTicket, type Ticket, ticketView } from './follow-ticket';
import type { Confirm } from './insert-action';
import type { ComposerBridge } from './insert-bridge';
import { loadOnDemand } from './load';
import type { OnDemand, TicketActions } from './on-demand';
import { coalescer, pageWatcher } from './page-watch';
import { type ButtonClick, createInlineUi, type InlineUi, removeStaleUi } from './ui';

const API_TIMEOUT_MS = 10_000;

export interface RuntimeOptions {
  signal: AbortSignal;
  /** Registers for single-page navigation (WXT's `wxt:locationchange`), giving the new URL. */
  onLocationChange(listener: (url: URL) => void): void;
  doc?: Document;
  getJson?: GetJson;
  /** Requests to the background; by default over one long-lived port. */
  send?: Send;
  /** Hands the link to the page-world script that inserts it (lib/content/insert-bridge.ts). */
  composer?: ComposerBridge;
  /** Asks the agent before an insert they should confirm (lib/content/dialog.ts). */
  confirm?: Confirm;
  /** Quiet time after the last mutation before the page is checked again. */
  settleMs?: number;
  /**
   * Judges a click on the button: `ignore` (the page's own script clicked it), a clickjacking
   * problem to tell the agent about, or undefined to copy. Defaults to `guardClick` (clickable.ts).
   */
  judgeClick?: (...click: Parameters<ButtonClick>) => 'ignore' | ClickProblem | undefined;
}

export interface HelpdeskRuntime {
  /** The requester of the ticket on screen (waits for the API), undefined off a ticket. */
  customer(): Promise<DetectedCustomer | undefined>;
  /** What a click does; resolves true when the link was copied. */
  copy(): Promise<boolean>;
  /** Puts the link into the open ticket's reply composer; resolves true when the editor shows it. */
  insert(given?: PopupGrant): Promise<boolean>;
  /** Has Appstle email the customer their link. */
  email(): Promise<boolean>;
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

export function startHelpdesk(helpdesk: Helpdesk, options: RuntimeOptions): HelpdeskRuntime {
  const { signal } = options;
  const doc = options.doc ?? document;
  const port = portSender(); // connects on its first request
  const send = options.send ?? port.send;
  /** Listeners that end with the script, whichever way it ends (signal, or orphaned). */
  const alive = new AbortController();
  let lastHref = '';
  /** Whether a store serves this tab (`get-actions`): asked on the first ticket, again as the agent comes back. */
  let ready: boolean | undefined;
  const openSettings = () => void send('open-settings');

  const scheduler = coalescer(options.settleMs ?? 60, () => flush());
  const watcher = pageWatcher(doc, () => {
    if (!signal.aborted) scheduler.schedule();
  });
  const view = ticketView(helpdesk, doc);
  const detector = customerDetector(helpdesk, options.getJson ?? sameOriginJson, view, (detection) => {
    if (tickets.current()?.detection === detection) scheduler.schedule();
  });
  const tickets = followTicket(helpdesk, view, detector.detect);

  /** The on-demand module: fetched once (again after a failure: the next reach tries anew), kept once here. */
  let loaded: OnDemand | undefined;
  let loading: Promise<OnDemand | undefined> | undefined;
  const load = () => {
    loading ??= loadOnDemand().then(
      (module) => (loaded = module),
      () => {
        loading = undefined;
        return undefined;
      },
    );
    return loading;
  };
  /** The actions come with the on-demand module, made at the first click or request. */
  let made: TicketActions | undefined;
  const actionsOf = (module: OnDemand) => {
    const { composer: bridge, confirm, judgeClick } = options;
    const deps = { ui, send, signal, orphaned, tickets, detector, doc, panelClosed, openSettings };
    made ??= module.actions({ ...deps, helpdesk, view, bridge, confirm, judgeClick });
    return made;
  };
  /** Runs an action; false when the module can't load (an orphaned script). */
  const act = async (action: (actions: TicketActions) => Promise<boolean>) => {
    const module = loaded ?? (await load());
    return module ? action(actionsOf(module)) : false;
  };
  /**
   * Runs `then` if the click counts. Judged at once while the page still looks as the agent saw it
   * (a menu closes on its click): the module is here by then, fetched as the pointer or focus came.
   */
  const clicked = (click: Parameters<ButtonClick>, then: (actions: TicketActions) => unknown) => {
    const judge = (module: OnDemand | undefined) => {
      const actions = module && actionsOf(module);
      if (actions?.accept(...click)) void then(actions);
    };
    if (loaded) judge(loaded);
    else void load().then(judge);
  };

  const ui: InlineUi = createInlineUi(
    doc,
    (...click) => clicked(click, (a) => (ready === false ? openSettings() : a.copy())),
    {
      canEmail: async () => {
        const reply = await send('get-actions');
        return reply.ok && reply.canEmail === true;
      },
      choose: (action, ...click) => clicked(click, (a) => a[action]()),
    },
    { look: helpdesk.id, load },
  );

  const panelClosed = (ticket: Ticket) => {
    const root = view.rootOf(ticket);
    return root !== undefined && helpdesk.panelClosed?.(root) === true;
  };
  const copy = () => act((a) => a.copy());
  const email = () => act((a) => a.email());
  const insert = (given?: PopupGrant) => act((a) => a.insert(given));
  const said = async () => (made ? made.said() : '');

  function visit(url: URL): void {
    if (signal.aborted) return;
    lastHref = url.href;
    const arrived = tickets.visit(url);
    if (arrived === 'none') {
      watcher.stop();
      ui.hideButton();
      return;
    }
    if (arrived === 'arrived') {
      if (ready === undefined) checkReady();
      ui.hideButton(); // the previous ticket's anchor; the next flush finds this one's
      watcher.watchDocument();
    }
    scheduler.schedule();
  }

  /** Asks the background whether a store serves this tab; not ready → the button offers to finish set-up. */
  function checkReady(): void {
    void send('get-actions').then((reply) => {
      if (!reply.ok || signal.aborted) return;
      ready = reply.ready;
      ui.setReady(reply.ready);
    });
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
  function placeButton(ticket: Ticket, force: boolean): Element | 'pinned' | 'none' {
    const placement = ui.placement();
    if (placement !== 'none' && placement !== 'pinned' && !force) return placement;
    const root = view.rootOf(ticket);
    ui.place(root && helpdesk.anchor(root));
    watcher.forget(); // the anchor's path may have changed even if the anchor did not
    return ui.placement();
  }

  /** One coalesced look at the page: follow the URL, notice a new requester, keep the button, watch. */
  function flush(): void {
    if (signal.aborted || orphaned()) return;
    if (location.href !== lastHref) visit(new URL(location.href)); // navigation the watcher missed
    const ticket = tickets.current();
    if (!ticket) return;
    const started = performance.now();
    detector.noticeRequesterChange(ticket);
    const detecting = ticket.detection.outcome !== undefined && !ticket.measured;
    const placement = placeButton(ticket, detecting);
    const found = detector.settled(ticket);
    const anchored = placement !== 'none' && placement !== 'pinned';
    // Anchored, and the requester known or not answered yet (its answer schedules a check itself):
    // only the anchor's surroundings can change anything now.
    const waiting = ticket.detection.outcome === undefined;
    if ((found || waiting) && anchored) watcher.watchAnchor(placement);
    else watcher.watchDocument();
    if (detecting && found && anchored) detector.measure(ticket, started, found);
  }

  const customer = () => detector.customer(tickets.current());

  function stop(): void {
    alive.abort();
    scheduler.cancel();
    watcher.stop();
    ui.remove();
    tickets.clear();
    port.close();
  }

  if (!signal.aborted) {
    removeStaleUi(doc);
    answerPopup({ customer, copy, insert, said, toast: (role, text) => void ui.toast(role, text) }, alive.signal);
    signal.addEventListener('abort', stop, { once: true });
    // An update orphans this script without telling it: look again whenever the agent could see
    // or reach the button (tab shown, window focused, pointer over it), so it goes before a click.
    // Coming back (from the settings page, say): is a store set up now?
    const comeBack = () => {
      if (!signal.aborted && !orphaned() && tickets.current() && !doc.hidden) checkReady();
    };
    doc.addEventListener('visibilitychange', comeBack, { signal: alive.signal });
    doc.defaultView?.addEventListener('focus', comeBack, { signal: alive.signal });
    // Reaching for the button: gone if orphaned; not set up yet, look again (a store may just have
    // been saved); the requester looked up now, so it is known by the click.
    const reach = () => {
      if (signal.aborted || orphaned()) return;
      if (ready === false) checkReady();
      void tickets.current()?.detection.api();
    };
    for (const type of ['pointerover', 'focusin']) ui.onHostEvent(type, reach, alive.signal);
    options.onLocationChange(visit);
    visit(new URL(location.href));
    // The page is idle by now (document_idle): the first look at once, not after a settle.
    scheduler.now();
  }
  return { customer, copy, insert, email };
}
