/**
 * The in-page UI, the part loaded with the page: the "Copy portal link" button and its "More portal
 * link actions" button, in an open shadow root so the helpdesk's CSS can't reach in. What is only
 * needed after a click (the menu, the toast and their words) comes from the on-demand module
 * (lib/content/on-demand.ts), fetched the first time the agent points at the button. Built from
 * elements and text nodes only: page-supplied text is never parsed as HTML.
 */
import { t } from '../shared/i18n';
import { shadowHost, UI_ATTRIBUTE } from './host';
import { loadOnDemand } from './load';
import type { Menu, MenuHandlers, OnDemand, ToastAction, Toaster, ToastMessage } from './on-demand';

export { UI_ATTRIBUTE } from './host';
export type { MenuAction, MenuHandlers, ToastAction, ToastMessage } from './on-demand';

/** How long the button says "Copied ✓" (or the like) after an action succeeded. */
const DONE_MS = 1_800;

/**
 * `--bg`/`--fg`/`--line`: Zendesk's own primary blue by default. On Gorgias (`data-look="gorgias"`), a
 * neutral outlined button in the page's own font: no public source gives Gorgias's app palette, so no
 * brand colour is guessed, and a white button sits quietly among Gorgias's customer details.
 */
const BUTTON_CSS = `
:host { all: initial; display: inline-flex; margin: 4px 0 4px 8px; vertical-align: middle;
  --bg: #1f73b7; --hover: #144a75; --fg: #fff; --line: transparent; --font: system-ui, sans-serif; --radius: 4px; }
:host([data-look="gorgias"]) { --bg: #fff; --hover: #f2f3f5; --fg: #161616; --line: #d2d7de; --radius: 6px; }
:host([data-pinned]) { position: fixed; right: 16px; bottom: 16px; z-index: 2147483646; margin: 0; }
button { font: 500 12px/1.2 var(--font); color: var(--fg); background: var(--bg); border: 1px solid var(--line);
  border-radius: var(--radius); padding: 4px 10px; cursor: pointer; box-shadow: 0 1px 2px rgba(0,0,0,.15);
  display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
/* Gorgias: the page's own font, inherited (reading it with getComputedStyle forced a style pass over
   a whole 5,000-message thread: 45 ms per ticket). */
:host([data-look="gorgias"]) { font-family: inherit; }
:host([data-look="gorgias"]) button { font-family: inherit; }
button:hover { background: var(--hover); }
button:focus-visible { outline: 2px solid #f5a623; outline-offset: 2px; }
button:disabled { cursor: progress; }
button[hidden] { display: none; }
.more { margin-left: 2px; padding: 4px 7px; }
[aria-busy="true"]::before { content: ""; width: 9px; height: 9px; border: 2px solid currentColor;
  border-right-color: transparent; border-radius: 50%; animation: spin .7s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { [aria-busy="true"]::before { animation-duration: 2s; } }
.done { display: none; }
[data-done] .label { display: none; }
[data-done] .done { display: inline; }
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
  /**
   * Whether a store serves this tab. Not ready: the button says "Finish set-up" (a click should open
   * the settings page) and the menu button goes, since none of its actions could work.
   */
  setReady(ready: boolean): void;
  /** A spinner on the button while an action runs. */
  setBusy(busy: boolean): void;
  /** Says on the button, for a moment, that the action worked ("Copied ✓"). */
  done(word: string): void;
  /**
   * Shows a toast by the button; resolves with the words shown. An alert with an action stays until
   * dismissed; a status with an `undo` action runs its `then` unless undone first.
   */
  toast(kind: ToastKind, message: ToastMessage, action?: ToastAction): Promise<string>;
  /** A status with Undo for `ms`: resolves true when it ran out (go ahead), false when undone. */
  countdown(text: string, ms: number): Promise<boolean>;
  clearToast(): void;
  /** Takes the button away (leaving a ticket); the toast stays until it times out. */
  hideButton(): void;
  /** Takes everything away (context invalidated). */
  remove(): void;
  /** Listens on the button's host (it is in the page, outside the shadow root). */
  onHostEvent(type: string, listener: () => void, signal: AbortSignal): void;
}

/** A click on the button, with what the clickjacking guard needs to judge it (lib/content/clickable.ts). */
export type ButtonClick = (event: MouseEvent, host: HTMLElement, button: HTMLButtonElement) => void;

export interface InlineUiOptions {
  /** The helpdesk whose look the button takes (its id: `gorgias` has its own). */
  look?: string;
  /** Where the on-demand module comes from (tests hand it over directly). */
  load?: () => Promise<OnDemand>;
}

function button(doc: Document, className: string): HTMLButtonElement {
  const el = doc.createElement('button');
  el.type = 'button';
  el.className = className;
  // Pointer presses don't take focus from the page: the reply composer keeps its caret.
  el.addEventListener('mousedown', (event) => event.preventDefault());
  return el;
}

export function createInlineUi(
  doc: Document,
  onClick: ButtonClick,
  menuHandlers?: MenuHandlers,
  options: InlineUiOptions = {},
): InlineUi {
  const load = options.load ?? loadOnDemand;
  const [buttonHost, buttonRoot] = shadowHost(doc, 'span', 'button', BUTTON_CSS);
  if (options.look) buttonHost.setAttribute('data-look', options.look);
  const main = button(doc, 'main');
  const label = doc.createElement('span');
  label.className = 'label';
  label.textContent = t('content.button');
  const doneWord = doc.createElement('span');
  doneWord.className = 'done';
  doneWord.setAttribute('aria-hidden', 'true');
  // The accessible name stays "Copy portal link" while the face says "Copied ✓" (the toast announces it).
  main.setAttribute('aria-label', t('content.button'));
  main.title = t('content.buttonTitle');
  main.append(label, doneWord);
  main.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    onClick(event, buttonHost, main);
  });
  buttonRoot.append(main);

  let onDemand: Promise<OnDemand | undefined> | undefined;
  let toaster: Toaster | undefined;
  /** Never rejects: an orphaned script (extension updated) can't load it, and goes quietly instead. */
  const fetchOnDemand = () => {
    // The toast's live regions go in as soon as the module is here, before there are words to announce.
    onDemand ??= load().then(
      (loaded) => {
        toaster ??= loaded.toaster({ doc, near: () => (buttonHost.isConnected ? buttonHost : undefined) });
        return loaded;
      },
      () => {
        onDemand = undefined;
        return undefined;
      },
    );
    return onDemand;
  };
  // Fetched while the agent's pointer or focus reaches the button, so it is ready by the click.
  for (const type of ['pointerover', 'focusin'])
    buttonHost.addEventListener(type, () => void fetchOnDemand(), { once: true, passive: true });

  let menu: Menu | undefined;
  let more: HTMLButtonElement | undefined;
  if (menuHandlers) {
    const moreButton = button(doc, 'more');
    moreButton.textContent = '▾';
    moreButton.setAttribute('aria-label', t('content.more'));
    moreButton.title = t('content.more');
    moreButton.setAttribute('aria-haspopup', 'menu');
    moreButton.setAttribute('aria-expanded', 'false');
    const withMenu = async (use: (menu: Menu) => void) => {
      menu ??= (await fetchOnDemand())?.menu({ doc, button: moreButton, group: buttonHost, handlers: menuHandlers });
      if (menu) use(menu);
    };
    moreButton.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation();
      void withMenu((m) => m.toggle(event.detail === 0));
    });
    moreButton.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      event.preventDefault();
      void withMenu((m) => m.open(true));
    });
    buttonRoot.append(moreButton);
    more = moreButton;
  }

  let anchor: Element | undefined;
  let ready = true;
  const title = () => (ready ? t('content.buttonTitle') : t('errors.noStore'));
  let doneTimer: ReturnType<typeof setTimeout> | undefined;
  let toastShown = 0;

  async function toasts(): Promise<Toaster | undefined> {
    await fetchOnDemand();
    return toaster;
  }

  return {
    place(next, pinnedTitle) {
      if (next) {
        buttonHost.removeAttribute('data-pinned');
        main.title = title();
        if (next.nextSibling !== buttonHost) next.after(buttonHost);
      } else {
        buttonHost.setAttribute('data-pinned', '');
        main.title = ready ? (pinnedTitle ?? title()) : title();
        if (buttonHost.parentNode !== doc.body) (doc.body ?? doc.documentElement).append(buttonHost);
      }
      anchor = next;
    },
    placement() {
      if (!buttonHost.isConnected) return 'none';
      return anchor?.isConnected && anchor.nextSibling === buttonHost ? anchor : anchor ? 'none' : 'pinned';
    },
    setReady(next) {
      if (next === ready) return;
      ready = next;
      const word = t(ready ? 'content.button' : 'content.finishSetup');
      label.textContent = word;
      main.setAttribute('aria-label', word);
      main.title = title();
      if (more) more.hidden = !ready;
    },
    setBusy(busy) {
      main.disabled = busy;
      main.setAttribute('aria-busy', String(busy));
      if (busy) main.removeAttribute('data-done');
      if (more) more.disabled = busy;
    },
    done(word) {
      doneWord.textContent = word;
      main.setAttribute('data-done', '');
      clearTimeout(doneTimer);
      doneTimer = setTimeout(() => main.removeAttribute('data-done'), DONE_MS);
    },
    async toast(kind, message, action) {
      const shown = ++toastShown;
      const target = await toasts();
      // A later toast (or a clear) asked for while this one loaded wins.
      return shown === toastShown && target ? target.show(kind, message, action) : '';
    },
    async countdown(text, ms) {
      ++toastShown;
      return (await toasts())?.countdown(text, ms) ?? false;
    },
    clearToast() {
      toastShown++;
      toaster?.clear();
    },
    hideButton() {
      menu?.close();
      buttonHost.remove();
      anchor = undefined;
    },
    remove() {
      clearTimeout(doneTimer);
      menu?.remove();
      toaster?.remove();
      buttonHost.remove();
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
