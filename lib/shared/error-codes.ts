/**
 * Failure codes and the error that carries them, without words: providers and the HTTP client run in
 * the extension and in the team relay (a Worker, no browser APIs), so the i18n lookup stays in errors.ts.
 */
export type ErrorCode =
  | 'no-store'
  | 'key-missing'
  | 'invalid-customer'
  | 'no-customer'
  | 'key-rejected'
  | 'customer-not-found'
  | 'bad-request'
  | 'rate-limited'
  | 'provider-down'
  | 'timeout'
  | 'offline'
  | 'bad-response'
  | 'unsafe-link'
  | 'clipboard-failed'
  | 'settings-invalid'
  | 'host-taken'
  | 'invalid-message'
  | 'forbidden-sender'
  | 'button-covered'
  | 'relay-signed-out'
  | 'relay-removed'
  | 'relay-unreachable'
  | 'relay-refused'
  | 'relay-code-invalid'
  | 'relay-url-invalid'
  | 'relay-permission'
  | 'email-needed'
  | 'email-unsupported'
  | 'no-subscriptions'
  | 'magic-link-off'
  | 'magic-link-refused'
  | 'no-composer'
  | 'composer-read-only'
  | 'insert-failed'
  | 'ticket-changed'
  | 'host-unlisted'
  | 'host-locked'
  | 'internal';

/**
 * The codes a provider call can end with (lib/providers: a link or an email). The team relay runs the
 * same calls and passes these on by code, so the extension shows the same words for them.
 */
export const PROVIDER_ERROR_CODES: readonly ErrorCode[] = [
  'key-missing',
  'invalid-customer',
  'key-rejected',
  'customer-not-found',
  'bad-request',
  'rate-limited',
  'provider-down',
  'timeout',
  'bad-response',
  'unsafe-link',
  'email-needed',
  'no-subscriptions',
  'magic-link-off',
  'magic-link-refused',
];

export interface ErrorContext {
  /** Provider's short name, e.g. "Appstle". */
  provider?: string;
  /** Seconds to wait, for rate limits. */
  retryAfterS?: number;
  /** A helpdesk host name, for mapping errors. */
  host?: string;
  /** A store's name, for errors about that store. */
  store?: string;
  /** The customer an action was for (an email or id), so the agent knows whom it concerns. */
  customer?: string;
}

export class PortalLinkError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly context: ErrorContext = {},
  ) {
    super(code);
    this.name = 'PortalLinkError';
  }
}
