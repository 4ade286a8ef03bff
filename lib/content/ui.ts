/**
 * The in-page UI, the part loaded with the page: the "Copy portal link" button and its "More portal
 * link actions" button, in an open shadow root so the helpdesk's CSS can't reach in. What is only
 * needed after a click (the actions, the menu, the toast and their words) comes from the on-demand module
 * (lib/content/on-demand.ts), fetched the first time the agent points at the button. Built from
 * elements and text nodes only: page-supplied text is never parsed as HTML.
 */
import type { HelpdeskId } from '../helpdesks/types';
import { buttonWords } from './button-words';
import { shadowHost, UI_ATTRIBUTE } from './host';
import type { Menu, MenuHandlers, MenuOptions } from './menu';
import type { ToastAction, Toaster, ToasterOptions, ToastMessage } from './toast';

export { UI_ATTRIBUTE } from './host';
export type { MenuAction, MenuHandlers } from './menu';
export type { ToastAction, ToastMessage } from './toast';

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
   * Puts the button right after `anchor`, or pins it to the corner when there is none, with a
   * tooltip saying where it belongs.
   */
  place(anchor: Element | undefined): void;
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

/** The parts of the UI that come with the on-demand module (lib/content/on-demand.ts). */
export interface UiParts {
  menu(options: MenuOptions): Menu;
  toaster(options: ToasterOptions): Toaster;
}

export interface InlineUiOptions {
  /** The helpdesk whose look the button takes, and whose anchor the pinned button names. */
  look: HelpdeskId;
  /** Fetches the on-demand module (lib/content/load.ts): undefined when it can't (an orphaned script). */
  load: () => Promise<UiParts | undefined>;
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
  menuHandlers: MenuHandlers | undefined,
  options: InlineUiOptions,
): InlineUi {
  const { load, look } = options;
  const word = buttonWords();
  const pinnedTitle = word(
    'content.pinnedTitle',
    word(look === 'zendesk' ? 'content.anchorZendesk' : 'content.anchorGorgias'),
  );
  const [buttonHost, buttonRoot] = shadowHost(doc, 'span', 'button', BUTTON_CSS, 'closed');
  buttonHost.setAttribute('data-look', look);
  const main = button(doc, 'main');
  const label = doc.createElement('span');
  label.className = 'label';
  label.textContent = word('content.button');
  const doneWord = doc.createElement('span');
  doneWord.className = 'done';
  doneWord.setAttribute('aria-hidden', 'true');
  // The accessible name stays "Copy portal link" while the face says "Copied ✓" (the toast announces it).
  main.setAttribute('aria-label', word('content.button'));
  main.title = word('content.buttonTitle');
  main.append(label, doneWord);
  main.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    onClick(event, buttonHost, main);
  });
  buttonRoot.append(main);

  let onDemand: Promise<UiParts | undefined> | undefined;
  let toaster: Toaster | undefined;
  /** An orphaned script (extension updated) can't load it, and goes quietly instead. */
  const fetchOnDemand = () => {
    // The toaster is ready by the click; its host goes into the page when the first action starts.
    onDemand ??= load().then((loaded) => {
      if (!loaded)
        onDemand = undefined; // the next reach tries again
      else toaster ??= loaded.toaster({ doc, near: () => (buttonHost.isConnected ? buttonHost : undefined) });
      return loaded;
    });
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
    moreButton.setAttribute('aria-label', word('content.more'));
    moreButton.title = word('content.more');
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
  const title = () => (ready ? word('content.buttonTitle') : word('errors.noStore'));
  let doneTimer: ReturnType<typeof setTimeout> | undefined;
  let toastShown = 0;

  async function toasts(): Promise<Toaster | undefined> {
    await fetchOnDemand();
    return toaster;
  }

  return {
    place(next) {
      if (next) {
        buttonHost.removeAttribute('data-pinned');
        main.title = title();
        if (next.nextSibling !== buttonHost) next.after(buttonHost);
      } else {
        buttonHost.setAttribute('data-pinned', '');
        main.title = ready ? pinnedTitle : title();
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
      const name = word(ready ? 'content.button' : 'content.finishSetup');
      label.textContent = name;
      main.setAttribute('aria-label', name);
      main.title = title();
      if (more) more.hidden = !ready;
    },
    setBusy(busy) {
      main.disabled = busy;
      main.setAttribute('aria-busy', String(busy));
      if (busy) main.removeAttribute('data-done');
      if (more) more.disabled = busy;
    },
    done(said) {
      doneWord.textContent = said;
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
