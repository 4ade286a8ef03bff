/**
 * The in-page toast, loaded on demand: next to the button the agent clicked (below it, or above when
 * below is short of room; lib/content/popover.ts), not over the helpdesk's reply toolbar. A status
 * fades after a few seconds; an alert that offers a way out (Open settings) stays until dismissed; a
 * countdown ("Sending to jane@… · Undo") lets the agent take an action back before it happens.
 * Words are set as text, never parsed as HTML.
 */
import { PortalLinkError } from '../shared/error-codes';
import { type ErrorInfo, errorInfo } from '../shared/errors';
import { t } from '../shared/i18n';
import { shadowHost } from './host';
import { EDGE, placeBeside } from './popover';

const TOAST_MS = { status: 6_000, alert: 12_000 };
/** Room between the button and its toast. */
const TOAST_GAP = 8;

type ToastKind = 'status' | 'alert';

/** Words, an error value (its words come from lib/shared/errors.ts), or a background reply's error. */
export type ToastMessage = string | PortalLinkError | ErrorInfo;

/** A button in the toast that does something and closes it (Open settings). */
export interface ToastAction {
  label: string;
  run(): void;
}

export interface ToasterOptions {
  doc: Document;
  /** What the toast goes next to (the button's host), when it is in the page. */
  near(): Element | undefined;
}

export interface Toaster {
  /** Shows words (replacing any toast); returns them. */
  show(kind: ToastKind, message: ToastMessage, action?: ToastAction): string;
  /** A status with an Undo button for `ms`: resolves true when it ran out (go ahead), false when undone. */
  countdown(text: string, ms: number): Promise<boolean>;
  clear(): void;
  remove(): void;
}

const TOAST_CSS = `
:host { all: initial; position: fixed; left: 0; top: 0; z-index: 2147483647; }
.card { display: flex; align-items: flex-start; gap: 10px; box-sizing: border-box; width: max-content;
  max-width: min(380px, calc(100vw - 16px)); padding: 9px 10px 9px 14px; border-radius: 6px; color: #fff;
  font: 13px/1.4 system-ui, sans-serif; box-shadow: 0 4px 12px rgba(0,0,0,.25); background: #2b8a3e; }
.card[hidden] { display: none; }
.card[data-kind="alert"] { background: #c92a2a; }
.words { flex: 1; min-width: 0; overflow-wrap: break-word; }
[role]:empty { display: none; }
button { font: 600 12px/1.2 system-ui, sans-serif; color: inherit; background: rgba(255,255,255,.18);
  border: 1px solid rgba(255,255,255,.6); border-radius: 4px; padding: 4px 8px; cursor: pointer; white-space: nowrap; }
button:hover { background: rgba(255,255,255,.3); }
button:focus-visible { outline: 2px solid #fff; outline-offset: 1px; }
button[hidden] { display: none; }
.close { border: 0; background: none; padding: 2px 4px; font-size: 15px; line-height: 1; }
`;

export function textOf(message: ToastMessage): string {
  if (typeof message === 'string') return message;
  // The content script's PortalLinkError is its own copy of the class (another bundle): known by name.
  if (message instanceof Error && message.name === 'PortalLinkError') {
    const { code, context } = message as PortalLinkError;
    return errorInfo(new PortalLinkError(code, context)).message;
  }
  return message.message;
}

/** The toast's host, its card and their parts: made at the first action, not when the module loads. */
function buildToast(doc: Document) {
  // Closed: it names the customer, and the page must not read or rewrite that (lib/content/host.ts).
  const [host, root] = shadowHost(doc, 'div', 'toast', TOAST_CSS, 'closed');
  const card = doc.createElement('div');
  card.className = 'card';
  card.hidden = true;
  const words = doc.createElement('div');
  words.className = 'words';
  // Live regions exist before their words arrive, so screen readers announce the change.
  const regions = { status: doc.createElement('div'), alert: doc.createElement('div') };
  for (const kind of ['status', 'alert'] as const) {
    regions[kind].setAttribute('role', kind);
    words.append(regions[kind]);
  }
  const action = doc.createElement('button');
  action.type = 'button';
  action.hidden = true;
  const dismiss = doc.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'close';
  dismiss.textContent = '×';
  dismiss.setAttribute('aria-label', t('content.dismiss'));
  card.append(words, action, dismiss);
  root.append(card);
  return { host, card, regions, action, dismiss };
}

export function createToaster({ doc, near }: ToasterOptions): Toaster {
  const view = doc.defaultView as Window;
  let parts: ReturnType<typeof buildToast> | undefined;
  /** The toast, made (and put in the page) on first use: an action starting, or words to show. */
  function toast() {
    if (!parts) {
      parts = buildToast(doc);
      const { action, dismiss } = parts;
      action.addEventListener('click', () => {
        const run = onAction;
        hide();
        run?.();
      });
      dismiss.addEventListener('click', () => {
        settle?.(false); // dismissing a countdown is not consent to go ahead
        settle = undefined;
        hide();
      });
    }
    if (!parts.host.isConnected) (doc.body ?? doc.documentElement).append(parts.host);
    return parts;
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAction: (() => void) | undefined;
  /** Ends a running countdown: true = it ran out (go ahead), false = undone or replaced. */
  let settle: ((go: boolean) => void) | undefined;

  function hide(): void {
    clearTimeout(timer);
    onAction = undefined;
    if (!parts) return;
    parts.regions.status.textContent = '';
    parts.regions.alert.textContent = '';
    parts.card.hidden = true;
  }

  /** By the button (below, else above), or the top right corner when the button isn't on screen. */
  function place({ host, card }: ReturnType<typeof toast>): void {
    const viewport = { width: doc.documentElement.clientWidth || view.innerWidth, height: view.innerHeight };
    const size = card.getBoundingClientRect();
    const anchor = near()?.getBoundingClientRect();
    const onScreen = anchor && anchor.width > 0 && anchor.bottom > 0 && anchor.top < viewport.height;
    const at = onScreen
      ? placeBeside(anchor, size, viewport, 'start', TOAST_GAP)
      : { left: viewport.width - EDGE - size.width, top: EDGE };
    host.style.transform = `translate(${Math.round(at.left)}px, ${Math.round(at.top)}px)`;
  }

  function show(kind: ToastKind, text: string, button: ToastAction | undefined, ms: number | undefined): void {
    settle?.(false);
    settle = undefined;
    hide();
    const parts = toast();
    const { card, regions, action } = parts;
    card.dataset.kind = kind;
    regions[kind].textContent = text;
    action.hidden = !button;
    action.textContent = button?.label ?? '';
    onAction = button?.run;
    card.hidden = false;
    place(parts);
    if (ms !== undefined) timer = setTimeout(hide, ms);
  }

  return {
    show(kind, message, button) {
      const text = textOf(message);
      // An alert that offers a way out stays until the agent takes it or dismisses it.
      show(kind, text, button, kind === 'alert' && button ? undefined : TOAST_MS[kind]);
      return text;
    },
    countdown(text, ms) {
      return new Promise<boolean>((resolve) => {
        show('status', text, { label: t('content.undo'), run: () => undefined }, undefined);
        let open = true;
        settle = (go) => {
          if (!open) return;
          open = false;
          clearTimeout(timer);
          if (!go) hide();
          resolve(go);
        };
        onAction = () => settle?.(false);
        timer = setTimeout(() => settle?.(true), ms);
      });
    },
    clear() {
      settle?.(false);
      settle = undefined;
      hide();
      // An action is starting: its live regions go in now, before there are words to announce.
      toast();
    },
    remove() {
      settle?.(false);
      hide();
      parts?.host.remove();
    },
  };
}
