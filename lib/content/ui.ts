/**
 * The in-page UI: one "Copy portal link" button with its "More portal link actions" menu, and one toast, each in its own open shadow root so
 * the helpdesk's CSS can't reach in. Built from elements and text nodes only: page-supplied text is
 * never parsed as HTML.
 */
import { t } from '../shared/i18n';

export const UI_ATTRIBUTE = 'data-portal-link';
const TOAST_MS = { status: 6_000, alert: 12_000 };

const BUTTON_CSS = `
:host { all: initial; display: inline-block; margin: 4px 0 4px 8px; vertical-align: middle; position: relative; }
:host([data-pinned]) { position: fixed; right: 16px; bottom: 16px; z-index: 2147483646; margin: 0; }
button { font: 500 12px/1.2 system-ui, sans-serif; color: #fff; background: #1f73b7; border: 0; border-radius: 4px;
  padding: 5px 10px; cursor: pointer; box-shadow: 0 1px 2px rgba(0,0,0,.2); }
button:hover { background: #144a75; }
button:focus-visible { outline: 2px solid #f5a623; outline-offset: 2px; }
button[aria-busy="true"] { opacity: .65; cursor: progress; }
.more { margin-left: 2px; padding: 5px 7px; }
[role="menu"] { position: absolute; right: 0; top: 100%; margin-top: 4px; z-index: 2147483646; display: flex;
  flex-direction: column; background: #fff; border: 1px solid #c2c8cc; border-radius: 4px; padding: 4px 0;
  box-shadow: 0 4px 12px rgba(0,0,0,.2); min-width: 180px; }
:host([data-pinned]) [role="menu"] { top: auto; bottom: 100%; margin: 0 0 4px; }
[role="menu"][hidden], [role="menuitem"][hidden] { display: none; }
[role="menuitem"] { color: #2f3941; background: none; box-shadow: none; border-radius: 0; text-align: left;
  padding: 6px 12px; white-space: nowrap; }
[role="menuitem"]:hover, [role="menuitem"]:focus { background: #edf7ff; color: #1f73b7; }
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

export type MenuAction = 'insert' | 'email';

/** The "More portal link actions" menu: which items the store allows, and a chosen item (judged like a click). */
export interface MenuHandlers {
  canEmail(): Promise<boolean>;
  choose(action: MenuAction, ...click: Parameters<ButtonClick>): void;
}

/**
 * A menu button (WAI-ARIA menu button pattern). Pointer presses don't take focus from the page, so
 * the reply composer keeps its focus and caret; keyboard use moves focus into the menu as usual.
 */
function createMenu(doc: Document, host: HTMLElement, root: ShadowRoot, handlers: MenuHandlers) {
  const more = doc.createElement('button');
  more.type = 'button';
  more.className = 'more';
  more.textContent = '▾';
  more.setAttribute('aria-label', t('content.more'));
  more.title = t('content.more');
  more.setAttribute('aria-haspopup', 'menu');
  more.setAttribute('aria-expanded', 'false');
  const menu = doc.createElement('div');
  menu.setAttribute('role', 'menu');
  menu.setAttribute('aria-label', t('content.more'));
  menu.hidden = true;
  const item = (action: MenuAction, label: string) => {
    const el = doc.createElement('button');
    el.type = 'button';
    el.setAttribute('role', 'menuitem');
    el.tabIndex = -1;
    el.textContent = label;
    el.addEventListener('mousedown', (event) => event.preventDefault());
    el.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation();
      // Judged while the item is still on screen (the clickjacking guard hit-tests it), then closed.
      handlers.choose(action, event, host, el);
      close(root.activeElement !== null);
    });
    menu.append(el);
    return el;
  };
  const insert = item('insert', t('content.insert'));
  const email = item('email', t('content.email'));
  email.hidden = true;
  let asked = 0;

  const items = () => [insert, email].filter((el) => !el.hidden);
  function open(focusFirst: boolean) {
    menu.hidden = false;
    more.setAttribute('aria-expanded', 'true');
    const ask = ++asked;
    void handlers
      .canEmail()
      .catch(() => false)
      .then((can) => {
        if (ask === asked) email.hidden = !can;
      });
    if (focusFirst) insert.focus();
    doc.addEventListener('pointerdown', outside, true);
  }
  function close(focusButton: boolean) {
    if (menu.hidden) return;
    menu.hidden = true;
    more.setAttribute('aria-expanded', 'false');
    doc.removeEventListener('pointerdown', outside, true);
    if (focusButton) more.focus();
  }
  function outside(event: Event) {
    if (!event.composedPath().includes(host)) close(false);
  }
  more.addEventListener('mousedown', (event) => event.preventDefault());
  more.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    if (menu.hidden) open(event.detail === 0);
    else close(false);
  });
  more.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      open(true);
    }
  });
  menu.addEventListener('keydown', (event) => {
    const list = items();
    const at = list.indexOf(root.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') close(false);
    else if (event.key === 'ArrowDown') list[(at + 1) % list.length]?.focus();
    else if (event.key === 'ArrowUp') list[(at - 1 + list.length) % list.length]?.focus();
    else return;
    if (event.key !== 'Tab') event.preventDefault();
  });
  root.append(more, menu);
  return { close: () => close(false), setBusy: (busy: boolean) => (more.disabled = busy) };
}

export function createInlineUi(doc: Document, onClick: ButtonClick, menuHandlers?: MenuHandlers): InlineUi {
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
  const menu = menuHandlers && createMenu(doc, buttonHost, buttonRoot, menuHandlers);

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
      menu?.setBusy(busy);
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
      menu?.close();
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
