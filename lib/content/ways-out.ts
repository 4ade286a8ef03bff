/**
 * What the in-page UI says when an action can't start or fails, with a way out where there is one:
 * one true sentence about a customer that can't be looked up, and "Open settings" on the errors the
 * settings page fixes.
 */
import type { ApiOutcome, DetectedCustomer } from '../helpdesks/types';
import { type ErrorCode, PortalLinkError } from '../shared/error-codes';
import type { ErrorInfo } from '../shared/errors';
import { t } from '../shared/i18n';
import type { ToastAction } from './toast';

/** Errors that the settings page fixes (no store, no key, a rejected key, signed out of the relay). */
const SETTINGS_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'no-store',
  'key-missing',
  'key-rejected',
  'settings-invalid',
  'relay-signed-out',
]);

/** The toast's "Open settings" for an error the settings page fixes; none for the others. */
export function settingsWayOut(error: ErrorInfo | PortalLinkError | string, open: () => void): ToastAction | undefined {
  const code = typeof error === 'string' ? undefined : error.code;
  return code && SETTINGS_ERRORS.has(code) ? { label: t('content.openSettings'), run: open } : undefined;
}

/**
 * Why the ticket's customer can't be looked up: a named requester without an email (say so, by
 * name), an API that refused with the page's customer panel closed (opening it fixes it: offered
 * only where the helpdesk can tell the panel is closed), or no customer at all.
 */
export function noLookup(
  found: DetectedCustomer | undefined,
  api: ApiOutcome | undefined,
  panelClosed: boolean,
): PortalLinkError | string {
  if (found?.name) return t('content.noEmail', [found.name]);
  if (api?.kind === 'refused' && panelClosed) return t('content.openPanel');
  return new PortalLinkError('no-customer');
}
