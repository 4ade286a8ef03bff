/**
 * The "More portal link actions" menu (WAI-ARIA menu button pattern), loaded on demand. It lives in
 * its own host at the end of the document with `position: fixed`, placed next to its button by
 * lib/content/popover.ts: no helpdesk column's `overflow` can clip it and it never starts off-screen,
 * whatever the zoom or the language's word lengths. Pointer presses don't take focus from the page,
 * so the reply composer keeps its caret; keyboard use moves focus into the menu as usual.
 */
import { t } from '../shared/i18n';
import { shadowHost } from './host';
import { placeBeside } from './popover';

export type MenuAction = 'insert' | 'email';

/** A click on a menu item, with what the clickjacking guard needs to judge it (lib/content/clickable.ts). */
type ItemClick = [event: MouseEvent, host: HTMLElement, item: HTMLButtonElement];

/** Which items the store allows, and a chosen item (judged like a click on the button). */
export interface MenuHandlers {
  canEmail(): Promise<boolean>;
  choose(action: MenuAction, ...click: ItemClick): void;
}

export interface MenuOptions {
  doc: Document;
  /** The ▾ button that opens the menu (aria-expanded is kept on it). */
  button: HTMLButtonElement;
  /** The button group's host: the menu lines up with its left edge. */
  group: HTMLElement;
  handlers: MenuHandlers;
}

export interface Menu {
  open(focusFirst: boolean): void;
  toggle(focusFirst: boolean): void;
  close(): void;
  remove(): void;
}

const MENU_CSS = `
:host { all: initial; position: fixed; left: 0; top: 0; z-index: 2147483646; }
[role="menu"] { display: flex; flex-direction: column; box-sizing: border-box; min-width: 180px;
  max-width: calc(100vw - 16px); max-height: calc(100vh - 16px); overflow: auto; background: #fff;
  border: 1px solid #c2c8cc; border-radius: 6px; padding: 4px 0; box-shadow: 0 4px 12px rgba(0,0,0,.2); }
[role="menu"][hidden], [role="menuitem"][hidden] { display: none; }
[role="menuitem"] { font: 13px/1.3 system-ui, sans-serif; color: #2f3941; background: none; border: 0;
  text-align: start; padding: 7px 12px; cursor: pointer; }
[role="menuitem"]:hover, [role="menuitem"]:focus { background: #edf7ff; color: #1f73b7; outline: none; }
`;

export function createMenu({ doc, button, group, handlers }: MenuOptions): Menu {
  // Closed: a page script can't reach the items to relabel or reorder them (security.e2e).
  const [host, root] = shadowHost(doc, 'div', 'menu', MENU_CSS, 'closed');
  const menu = doc.createElement('div');
  menu.setAttribute('role', 'menu');
  menu.setAttribute('aria-label', t('content.more'));
  menu.hidden = true;
  root.append(menu);
  const view = doc.defaultView as Window;

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
  let frame = 0;
  const items = () => [insert, email].filter((el) => !el.hidden);

  /** Next to the button group, inside the viewport; closed when the button scrolls out of sight. */
  function place(): void {
    frame = 0;
    const anchor = group.getBoundingClientRect();
    const viewport = { width: doc.documentElement.clientWidth || view.innerWidth, height: view.innerHeight };
    if (!group.isConnected || anchor.bottom < 0 || anchor.top > viewport.height) {
      close(false);
      return;
    }
    const size = menu.getBoundingClientRect();
    const at = placeBeside(anchor, size, viewport);
    host.style.transform = `translate(${Math.round(at.left)}px, ${Math.round(at.top)}px)`;
  }
  const follow = () => {
    frame ||= view.requestAnimationFrame(place);
  };

  function open(focusFirst: boolean) {
    if (!host.isConnected) (doc.body ?? doc.documentElement).append(host);
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    place();
    const ask = ++asked;
    void handlers
      .canEmail()
      .catch(() => false)
      .then((can) => {
        if (ask !== asked) return;
        email.hidden = !can;
        if (!menu.hidden) place(); // one more item: maybe no longer room below
      });
    if (focusFirst) insert.focus();
    doc.addEventListener('pointerdown', outside, true);
    doc.addEventListener('scroll', follow, { capture: true, passive: true });
    view.addEventListener('resize', follow, { passive: true });
  }
  function close(focusButton: boolean) {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    doc.removeEventListener('pointerdown', outside, true);
    doc.removeEventListener('scroll', follow, { capture: true });
    view.removeEventListener('resize', follow);
    view.cancelAnimationFrame(frame);
    frame = 0;
    if (focusButton) button.focus();
  }
  function outside(event: Event) {
    const path = event.composedPath();
    if (!path.includes(host) && !path.includes(group)) close(false);
  }
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

  return {
    open(focusFirst) {
      if (menu.hidden) open(focusFirst);
      else if (focusFirst) items()[0]?.focus();
    },
    toggle(focusFirst) {
      if (menu.hidden) open(focusFirst);
      else close(false);
    },
    close: () => close(false),
    remove() {
      close(false);
      host.remove();
    },
  };
}
