/**
 * Every failure an agent can meet, as a value with a code and a message that says what to do next.
 * One place maps codes to words (locales/*.yml, errors.*), so the popup, the toast and the badge all
 * say the same thing.
 */
import { type ErrorCode, type ErrorContext, PortalLinkError } from './error-codes';
import { t } from './i18n';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

const describe: Record<ErrorCode, (c: Required<Pick<ErrorContext, 'provider'>> & ErrorContext) => string> = {
  'no-store': () => t('errors.noStore'),
  'key-missing': ({ provider }) => t('errors.keyMissing', [provider]),
  'invalid-customer': () => t('errors.invalidCustomer'),
  'no-customer': () => t('errors.noCustomer'),
  'key-rejected': ({ provider }) => t('errors.keyRejected', [provider]),
  'customer-not-found': ({ provider }) => t('errors.customerNotFound', [provider]),
  'bad-request': ({ provider }) => t('errors.badRequest', [provider]),
  'rate-limited': ({ provider, retryAfterS }) =>
    retryAfterS !== undefined
      ? t('errors.rateLimitedFor', [provider, String(Math.max(1, Math.ceil(retryAfterS)))])
      : t('errors.rateLimited', [provider]),
  'provider-down': ({ provider }) => t('errors.providerDown', [provider]),
  timeout: ({ provider }) => t('errors.timeout', [provider]),
  offline: ({ provider }) => t('errors.offline', [provider]),
  'bad-response': ({ provider }) => t('errors.badResponse', [provider]),
  'unsafe-link': ({ provider }) => t('errors.unsafeLink', [provider]),
  'clipboard-failed': () => t('errors.clipboardFailed'),
  'settings-invalid': () => t('errors.settingsInvalid'),
  'host-taken': ({ host }) => t('errors.hostTaken', [host ?? t('errors.thatHelpdesk')]),
  'invalid-message': () => t('errors.invalidMessage'),
  'forbidden-sender': () => t('errors.forbiddenSender'),
  'button-covered': () => t('errors.buttonCovered'),
  'relay-signed-out': () => t('errors.relaySignedOut'),
  'relay-removed': () => t('errors.relayRemoved'),
  'relay-unreachable': ({ host }) => t('errors.relayUnreachable', [host ?? t('relay.name')]),
  'relay-refused': () => t('errors.relayRefused'),
  'relay-code-invalid': () => t('errors.relayCodeInvalid'),
  'relay-url-invalid': () => t('errors.relayUrlInvalid'),
  'relay-permission': ({ host }) => t('errors.relayPermission', [host ?? t('relay.name')]),
  'email-needed': () => t('errors.emailNeeded'),
  'email-unsupported': ({ provider }) => t('errors.emailUnsupported', [provider]),
  'no-subscriptions': ({ provider, customer }) =>
    t('errors.noSubscriptions', [provider, customer ?? t('errors.thatAddress')]),
  'magic-link-off': ({ provider }) => t('errors.magicLinkOff', [provider]),
  'magic-link-refused': ({ provider, customer }) =>
    t('errors.magicLinkRefused', [provider, customer ?? t('errors.thatAddress')]),
  'no-composer': () => t('errors.noComposer'),
  'composer-read-only': () => t('errors.composerReadOnly'),
  'insert-failed': () => t('errors.insertFailed'),
  'ticket-changed': () => t('errors.ticketChanged'),
  'host-unlisted': ({ host }) => t('content.hostUnlisted', [host ?? t('errors.thatHelpdesk')]),
  'host-locked': ({ host, store }) =>
    t('errors.hostLocked', [host ?? t('errors.thatHelpdesk'), store ?? t('errors.theStore')]),
  internal: () => t('errors.internal'),
};

export function errorInfo(error: unknown, fallbackProvider = t('errors.theProvider')): ErrorInfo {
  if (error instanceof PortalLinkError) {
    const provider = error.context.provider ?? fallbackProvider;
    return { code: error.code, message: describe[error.code]({ ...error.context, provider }) };
  }
  return { code: 'internal', message: describe.internal({ provider: fallbackProvider }) };
}
