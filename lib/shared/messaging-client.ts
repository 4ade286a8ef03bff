/** Sending a request to the background, typed by the schema in messages.ts (types only: no zod here). */
import { browser } from 'wxt/browser';
import type { ErrorInfo } from './errors';
import type { Reply, Request } from './messages';

const UNREACHABLE: ErrorInfo = {
  code: 'internal',
  message: 'Portal Link was interrupted before it answered. Try again (reload the page if it keeps happening).',
};

export async function sendRequest<T extends object = object>(request: Request): Promise<Reply<T>> {
  try {
    const reply = (await browser.runtime.sendMessage(request)) as Reply<T> | undefined;
    return reply ?? { ok: false, error: UNREACHABLE };
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
}
