/**
 * The context-menu action: a selected email/id or a mailto: link → the portal link on the clipboard.
 * Side effects (settings, copy) are passed in so the handler is testable without a browser
 * (after bitwarden's context-menu-clicked-handler); feedback is lib/background/tab-feedback.ts.
 */

import { parseAnyProviderId } from '../providers/registry';
import type { EffectiveSettings, EffectiveStore } from '../settings/schema';
import { hostOfUrl, resolveStore } from '../settings/store-resolution';
import { mailtoAddress, parseCustomerInput } from '../shared/customer';
import { PortalLinkError } from '../shared/error-codes';
import { type ErrorInfo, errorInfo } from '../shared/errors';
import { t } from '../shared/i18n';
import type { CopyResult, EmailResult } from '../shared/protocol';

export const MENU_SELECTION = 'copy-portal-link-selection';
export const MENU_MAILTO = 'copy-portal-link-mailto';
export const MENU_EMAIL = 'email-portal-link-selection';

export const menuItems: {
  id: string;
  title: string;
  contexts: ['selection' | 'link'];
  targetUrlPatterns?: string[];
}[] = [
  { id: MENU_SELECTION, title: t('menu.selection'), contexts: ['selection'] },
  { id: MENU_MAILTO, title: t('menu.mailto'), contexts: ['link'], targetUrlPatterns: ['mailto:*'] },
  { id: MENU_EMAIL, title: t('menu.email'), contexts: ['selection'] },
];

export interface MenusApi {
  removeAll(): Promise<void>;
  create(item: (typeof menuItems)[number]): unknown;
}

/**
 * Puts the menu items in place, replacing any there: run at every background start, since Firefox
 * forgets an MV2 extension's items when the browser restarts (runtime.onInstalled does not fire then).
 * Calls made while one runs wait for it, so two never interleave into duplicate ids.
 */
export function menuInstaller(api: MenusApi): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    last = last.then(async () => {
      await api.removeAll();
      for (const item of menuItems) api.create(item);
    });
    return last;
  };
}

export interface MenuClick {
  menuItemId: string | number;
  selectionText?: string;
  linkUrl?: string;
  /** The top page's URL: which helpdesk account the agent is in. */
  pageUrl?: string;
}

const MAX_SELECTION = 1280;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
const WRAPPERS: [string, string][] = [
  ['<', '>'],
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['‘', '’'],
  ['«', '»'],
  ['(', ')'],
  ['[', ']'],
];

/**
 * Selected text as the agent meant it: trimmed (zero-width characters too), unwrapped from quotes,
 * brackets and `<…>`, without sentence punctuation at the end, and `Jane Doe <jane@x.com>` reduced to
 * the address. Whether the result is an email or an id is decided by the caller.
 */
export function selectionCustomer(selection: string | undefined): string | undefined {
  if (selection === undefined || selection.length > MAX_SELECTION) return undefined;
  let text = selection.replace(INVISIBLE, '').trim();
  let before: string;
  do {
    before = text;
    text = text.replace(/[.,;:!?]+$/u, '').trim();
    const named = /^[^<>@]*<([^<>\s]+@[^<>\s]+)>$/.exec(text);
    if (named?.[1]) text = named[1];
    for (const [open, close] of WRAPPERS) {
      if (text.length > 1 && text.startsWith(open) && text.endsWith(close)) text = text.slice(1, -1).trim();
    }
  } while (text !== before);
  return text || undefined;
}

/** What the agent pointed at, as text for the link service to parse. */
export function customerFromMenuClick(info: MenuClick): string | undefined {
  if (info.menuItemId === MENU_MAILTO) return info.linkUrl ? mailtoAddress(info.linkUrl) : undefined;
  if (info.menuItemId === MENU_SELECTION || info.menuItemId === MENU_EMAIL)
    return selectionCustomer(info.selectionText);
  return undefined;
}

export type MenuOutcome = { ok: true; result: CopyResult | EmailResult } | { ok: false; error: ErrorInfo };

export interface MenuDeps {
  loadSettings(): Promise<EffectiveSettings>;
  copy(store: EffectiveStore | undefined, customer: string): Promise<CopyResult>;
  email(store: EffectiveStore | undefined, customer: string): Promise<EmailResult>;
}

/**
 * Validates what was clicked before anything else (no settings read, no request for text that is
 * neither an email nor a customer id), then copies with the store the page's helpdesk account maps
 * to, else the default store.
 */
export async function handleMenuClick(
  info: MenuClick,
  tabUrl: string | undefined,
  deps: MenuDeps,
): Promise<MenuOutcome> {
  try {
    const customer = customerFromMenuClick(info);
    if (!customer || !parseCustomerInput(customer, parseAnyProviderId)) throw new PortalLinkError('invalid-customer');
    const settings = await deps.loadSettings();
    const store = resolveStore(settings, hostOfUrl(info.pageUrl ?? tabUrl));
    const result =
      info.menuItemId === MENU_EMAIL ? await deps.email(store, customer) : await deps.copy(store, customer);
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: errorInfo(error) };
  }
}
