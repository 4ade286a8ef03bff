/**
 * Answering the extension (popup, shortcut) about the ticket on screen: its customer, and copy or
 * insert on request, replying with what the page's toast said.
 */
import { browser } from 'wxt/browser';
import { isTabMessage, parseGivenLink } from '../helpdesks/detected';
import type { DetectedCustomer } from '../helpdesks/types';
import type { GivenLink, TabActionReply, TabProtocol } from '../shared/protocol';
import type { ToastKind } from './ui';

const POPUP_WAIT_MS = 3_000;

export interface PopupAnswers {
  customer(): Promise<DetectedCustomer | undefined>;
  /** Shows our words in the content script's own toast. */
  toast(role: ToastKind, text: string): void;
  copy(): Promise<boolean>;
  /** Inserts the ticket's customer's link, or the one the popup brought (its store, a typed customer). */
  insert(given?: GivenLink): Promise<boolean>;
  /** The last words, once the toast has them (its error words come with the on-demand module). */
  said(): Promise<string>;
}

/** Listens until `signal` aborts; only our own extension is answered. */
export function answerPopup(answers: PopupAnswers, signal: AbortSignal): void {
  function onMessage(message: unknown, sender: { id?: string }, sendResponse: (reply: unknown) => void) {
    if (sender.id !== browser.runtime.id || !isTabMessage(message) || signal.aborted) return undefined;
    if (message.type === 'show-feedback') {
      // The context menu's outcome, in our own toast rather than one the background injects.
      answers.toast(message.role, message.text);
      sendResponse({ shown: true } satisfies TabProtocol['show-feedback']);
      return undefined;
    }
    if (message.type === 'get-detected-customer') {
      const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, POPUP_WAIT_MS));
      void Promise.race([answers.customer(), timeout]).then((found) => sendResponse(found ?? null));
      return true;
    }
    const given = message.type === 'insert-detected-link' ? parseGivenLink(message.link) : undefined;
    void (message.type === 'insert-detected-link' ? answers.insert(given) : answers.copy()).then(async (ok) =>
      sendResponse({ handled: true, ok, message: await answers.said() } satisfies TabActionReply),
    );
    return true;
  }
  browser.runtime.onMessage.addListener(onMessage);
  signal.addEventListener('abort', () => browser.runtime?.onMessage.removeListener(onMessage), { once: true });
}
