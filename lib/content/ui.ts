/**
 * The in-page UI: one "Copy portal link" button and one toast, each in its own open shadow root so
 * the helpdesk's CSS can't reach in. Built from elements and text nodes only: page-supplied text is
 * never parsed as HTML.
 */
import { t } from '../shared/i18n';

export const UI_ATTRIBUTE = 'data-portal-link';
const TOAST_MS = { status: 6_000, alert: 12_000 };

const BUTTON_CSS = `
:host { all: initial; display: inline-block; margin: 4px 0 4px 8px; vertical-align: middle; }
:host([data-pinned]) { position: fixed; right: 16px; bottom: 16px; z-index: 2147483646; margin: 0; }
button { font: 500 12px/1.2 system-ui, sans-serif; color: #fff; background: #1f73b7; border: 0; border-radius: 4px;
  padding: 5px 10px; cursor: pointer; box-shadow: 0 1px 2px rgba(0,0,0,.2); }
button:hover { background: #144a75; }
button:focus-visible { outline: 2px solid #f5a623; outline-offset: 2px; }
button[aria-busy="true"] { opacity: .65; cursor: progress; }
`;

const TOAST_CSS = `
:host { all: initial; position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); z-index: 2147483647; }
div:empty { display: none; }
div { font: 13px/1.4 system-ui, sans-serif; max-width: 420px; padding: 10px 14px; border-radius: 6px;
  color: #fff; box-shadow: 0 4px 12px rgba(0,0,0,.25); }
[role="status"] { background: #2b8a3e; }
[role="alert"] { background: #c92a2a; }
`;

export type ToastKind = 'status' | 'alert';

export interface InlineUi {
  /**
   * Puts the button right after `anchor`, or pins it to the corner when there is none, with
   * `pinnedTitle` as its tooltip (saying where it belongs).
   */
  place(anchor: Element | undefined, pinnedTitle?: string): void;
  /** Where the button is now: the anchor it follows, `pinned`, or `none` (not in the page). */
  placement(): Element | 'pinned' | 'none';
  setBusy(busy: boolean): void;
  toast(kind: ToastKind, text: string): void;
  clearToast(): void;
  /** Takes the button away (leaving a ticket); the toast stays until it times out. */
  hideButton(): void;
  /** Takes everything away (context invalidated). */
  remove(): void;
  /** Listens on the button's host (it is in the page, outside the shadow root). */
  onHostEvent(type: string, listener: () => void, signal: AbortSignal): void;
}

function shadowHost(doc: Document, tag: string, role: string, css: string): [HTMLElement, ShadowRoot] {
  const host = doc.createElement(tag);
  host.setAttribute(UI_ATTRIBUTE, role);
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = css;
  root.append(style);
  return [host, root];
}

/** A click on the button, with what the clickjacking guard needs to judge it (lib/content/clickable.ts). */
export type ButtonClick = (event: MouseEvent, host: HTMLElement, button: HTMLButtonElement) => void;

export function createInlineUi(doc: Document, onClick: ButtonClick): InlineUi {
  const [buttonHost, buttonRoot] = shadowHost(doc, 'span', 'button', BUTTON_CSS);
  const button = doc.createElement('button');
  button.type = 'button';
  button.textContent = t('content.button');
  button.title = t('content.buttonTitle');
  button.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    onClick(event, buttonHost, button);
  });
  buttonRoot.append(button);

  let toastHost: HTMLElement | undefined;
  const regions: Partial<Record<ToastKind, HTMLElement>> = {};
  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  let anchor: Element | undefined;

  /** Live regions exist before their text arrives, so screen readers announce the change. */
  function ensureToast(): void {
    if (toastHost?.isConnected) return;
    const [host, root] = shadowHost(doc, 'div', 'toast', TOAST_CSS);
    for (const kind of ['status', 'alert'] as const) {
      const region = doc.createElement('div');
      region.setAttribute('role', kind);
      regions[kind] = region;
      root.append(region);
    }
    toastHost = host;
    (doc.body ?? doc.documentElement).append(host);
  }

  return {
    place(next, pinnedTitle) {
      if (next) {
        buttonHost.removeAttribute('data-pinned');
        button.title = t('content.buttonTitle');
        if (next.nextSibling !== buttonHost) next.after(buttonHost);
      } else {
        buttonHost.setAttribute('data-pinned', '');
        button.title = pinnedTitle ?? t('content.buttonTitle');
        if (buttonHost.parentNode !== doc.body) (doc.body ?? doc.documentElement).append(buttonHost);
      }
      anchor = next;
      ensureToast();
    },
    placement() {
      if (!buttonHost.isConnected) return 'none';
      return anchor?.isConnected && anchor.nextSibling === buttonHost ? anchor : anchor ? 'none' : 'pinned';
    },
    setBusy(busy) {
      button.disabled = busy;
      button.setAttribute('aria-busy', String(busy));
    },
    toast(kind, text) {
      ensureToast();
      const other = kind === 'status' ? 'alert' : 'status';
      const [shown, hidden] = [regions[kind], regions[other]];
      if (hidden) hidden.textContent = '';
      if (shown) shown.textContent = text;
      clearTimeout(toastTimer);
      toastTimer = setTimeout(() => {
        if (shown) shown.textContent = '';
      }, TOAST_MS[kind]);
    },
    clearToast() {
      clearTimeout(toastTimer);
      for (const region of Object.values(regions)) region.textContent = '';
    },
    hideButton() {
      buttonHost.remove();
      anchor = undefined;
    },
    remove() {
      clearTimeout(toastTimer);
      buttonHost.remove();
      toastHost?.remove();
      anchor = undefined;
    },
    onHostEvent(type, listener, signal) {
      buttonHost.addEventListener(type, listener, { signal, passive: true });
    },
  };
}

/** Removes UI left behind by an earlier copy of the content script (an extension update). */
export function removeStaleUi(doc: Document): void {
  for (const el of doc.querySelectorAll(`[${UI_ATTRIBUTE}]`)) el.remove();
}
