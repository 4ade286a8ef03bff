/**
 * The context-menu action: a selected email/id or a mailto: link → the portal link on the clipboard.
 * Side effects (settings, copy, feedback) are passed in so the handler is testable without a browser.
 */
import { mailtoAddress } from './customer';
import { type ErrorInfo, errorInfo, PortalLinkError } from './errors';
import type { CopyResult } from './messages';
import { resolveStore, type Settings, type Store } from './settings';

export const MENU_SELECTION = 'copy-portal-link-selection';
export const MENU_MAILTO = 'copy-portal-link-mailto';

export const menuItems: {
  id: string;
  title: string;
  contexts: ['selection' | 'link'];
  targetUrlPatterns?: string[];
}[] = [
  { id: MENU_SELECTION, title: 'Copy portal link for “%s”', contexts: ['selection'] },
  { id: MENU_MAILTO, title: 'Copy portal link', contexts: ['link'], targetUrlPatterns: ['mailto:*'] },
];

export interface MenuClick {
  menuItemId: string | number;
  selectionText?: string;
  linkUrl?: string;
}

/** What the agent pointed at, as text for the link service to parse (it rejects non-emails/ids). */
export function customerFromMenuClick(info: MenuClick): string | undefined {
  if (info.menuItemId === MENU_MAILTO && info.linkUrl) return mailtoAddress(info.linkUrl);
  if (info.menuItemId === MENU_SELECTION) return info.selectionText?.trim() || undefined;
  return undefined;
}

export type MenuOutcome = { ok: true; result: CopyResult } | { ok: false; error: ErrorInfo };

export interface MenuDeps {
  loadSettings(): Promise<Settings>;
  copy(store: Store | undefined, customer: string): Promise<CopyResult>;
}

export async function handleMenuClick(
  info: MenuClick,
  tabUrl: string | undefined,
  deps: MenuDeps,
): Promise<MenuOutcome> {
  try {
    const customer = customerFromMenuClick(info);
    if (!customer) throw new PortalLinkError('invalid-customer');
    const settings = await deps.loadSettings();
    const host = tabUrl ? new URL(tabUrl).hostname : undefined;
    return { ok: true, result: await deps.copy(resolveStore(settings, host), customer) };
  } catch (error) {
    return { ok: false, error: errorInfo(error) };
  }
}
