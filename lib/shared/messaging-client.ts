/** Sending a request to the background, typed by the schema in messages.ts (types only: no zod here). */
import { browser } from 'wxt/browser';
import type { ErrorInfo } from './errors';
import { t } from './i18n';
import type { Reply, Request } from './messages';

/** The background went away mid-request (worker stopped, extension updated). */
const unreachable = (): ErrorInfo => ({ code: 'internal', message: t('errors.interrupted') });

export async function sendRequest<T extends object = object>(request: Request): Promise<Reply<T>> {
  try {
    const reply = (await browser.runtime.sendMessage(request)) as Reply<T> | undefined;
    return reply ?? { ok: false, error: unreachable() };
  } catch {
    return { ok: false, error: unreachable() };
  }
}
