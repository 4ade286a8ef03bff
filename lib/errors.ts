/**
 * Every failure an agent can meet, as a value with a code and a message that says what to do next.
 * One place maps codes to words, so the popup, the toast and the badge all say the same thing.
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
  | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export interface ErrorContext {
  /** Provider's short name, e.g. "Appstle". */
  provider?: string;
  /** Seconds to wait, for rate limits. */
  retryAfterS?: number;
  /** A helpdesk host name, for mapping errors. */
  host?: string;
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

const describe: Record<ErrorCode, (c: Required<Pick<ErrorContext, 'provider'>> & ErrorContext) => string> = {
  'no-store': () => 'No store is set up yet. Open Settings and add your API key.',
  'key-missing': ({ provider }) => `This store has no ${provider} API key. Open Settings and add it.`,
  'invalid-customer': () => 'That is not an email address or a customer ID. Check it and try again.',
  'no-customer': () => 'No customer detected on this page. Type their email or customer ID in the popup.',
  'key-rejected': ({ provider }) =>
    `${provider} rejected the API key. Check the key in Settings (it may have been revoked).`,
  'customer-not-found': ({ provider }) =>
    `${provider} has no subscription customer with that email or ID. Check it, or try their other email.`,
  'bad-request': ({ provider }) => `${provider} refused the lookup. Check the email or customer ID.`,
  'rate-limited': ({ provider, retryAfterS }) =>
    retryAfterS !== undefined
      ? `${provider} is rate limiting requests. Try again in ${Math.max(1, Math.ceil(retryAfterS))} s.`
      : `${provider} is rate limiting requests. Try again in a minute.`,
  'provider-down': ({ provider }) => `${provider} is having trouble right now. Try again in a few minutes.`,
  timeout: ({ provider }) => `${provider} did not answer within 10 seconds. Try again.`,
  offline: ({ provider }) => `Can't reach ${provider}. Check your internet connection and try again.`,
  'bad-response': ({ provider }) =>
    `${provider} sent an answer Portal Link doesn't understand. Try again; if it persists, contact support.`,
  'unsafe-link': ({ provider }) =>
    `${provider} returned a link that isn't a secure portal address, so it was not copied. Contact support.`,
  'clipboard-failed': () => "Couldn't write to the clipboard. Click the page and try again.",
  'settings-invalid': () => 'Your Portal Link settings need attention. Open Settings and save them again.',
  'host-taken': ({ host }) =>
    `${host ?? 'That helpdesk account'} is already used by another store (maybe one your administrator manages). A helpdesk account can use only one store.`,
  'invalid-message': () => 'Portal Link received a request it does not understand. Reload the page.',
  'forbidden-sender': () => 'This page is not allowed to ask Portal Link for links.',
  'button-covered': () =>
    'The Copy portal link button is covered by something on the page (or barely visible), so nothing was copied. Scroll or close the overlay and try again.',
  internal: () => 'Something went wrong in Portal Link. Try again.',
};

export function errorInfo(error: unknown, fallbackProvider = 'The provider'): ErrorInfo {
  if (error instanceof PortalLinkError) {
    const provider = error.context.provider ?? fallbackProvider;
    return { code: error.code, message: describe[error.code]({ ...error.context, provider }) };
  }
  return { code: 'internal', message: describe.internal({ provider: fallbackProvider }) };
}
