/**
 * Answering the extension (popup, shortcut) about the ticket on screen: its customer, and copy or
 * insert on request, replying with what the page's toast said.
 */
import { browser } from 'wxt/browser';
import { isTabMessage, parsePopupGrant } from '../helpdesks/detected';
import type { DetectedCustomer } from '../helpdesks/types';
import type { PopupGrant, TabActionReply, TabProtocol } from '../shared/protocol';
import type { ToastKind } from './ui';

const POPUP_WAIT_MS = 3_000;

export interface PopupAnswers {
  customer(): Promise<DetectedCustomer | undefined>;
  /** Shows our words in the content script's own toast. */
  toast(role: ToastKind, text: string): void;
  copy(): Promise<boolean>;
  /** Inserts the ticket's customer's link, or the one the popup granted (its store, a typed customer). */
  insert(given?: PopupGrant): Promise<boolean>;
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
    const reply = (ok: boolean) =>
      answers.said().then((said) => sendResponse({ handled: true, ok, message: said } satisfies TabActionReply));
    if (message.type === 'copy-detected-link') {
      void answers.copy().then(reply);
      return true;
    }
    // A grant that doesn't parse is refused, never replaced by the ticket's own customer's link.
    const given = message.grant === undefined ? undefined : parsePopupGrant(message.grant);
    if (message.grant !== undefined && !given) return void sendResponse({ handled: true, ok: false });
    void answers.insert(given).then(reply);
    return true;
  }
  browser.runtime.onMessage.addListener(onMessage);
  signal.addEventListener('abort', () => browser.runtime?.onMessage.removeListener(onMessage), { once: true });
}
