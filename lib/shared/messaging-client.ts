/**
 * Sending to the background, typed by lib/shared/protocol.ts: `send('copy-link', { customer })`
 * answers the reply that message type carries. Types only from the protocol: no zod here.
 */
import { type Browser, browser } from 'wxt/browser';
import type { ErrorInfo } from './errors';
import type { BareTabType, ReplyOf, RequestOf, RuntimeType, TabMessage } from './protocol';

/** A message's fields without its type; optional when it has none. */
type Fields<K extends RuntimeType> = Omit<RequestOf<K>, 'type'>;
export type FieldsArg<K extends RuntimeType> =
  Record<never, never> extends Fields<K> ? [fields?: Fields<K>] : [fields: Fields<K>];
export type Send = <K extends RuntimeType>(type: K, ...fields: FieldsArg<K>) => Promise<ReplyOf<K>>;

/** The port content scripts keep open to the background (lib/background/router.ts answers on it). */
export const PORT_NAME = 'portal-link';

const INTERRUPTED = 'errors.interrupted';
/** WXT types `getMessage` for `public/_locales` only; our words come from locales/*.yml (@wxt-dev/i18n). */
type MessageLookup = { getMessage(name: string): string };

/**
 * The background went away mid-request (worker stopped, extension updated). Its words straight from
 * `browser.i18n`, as `t` would give them: content scripts carry no i18n library (lib/content/button-words.ts).
 */
const unreachable = (): { ok: false; error: ErrorInfo } => ({
  ok: false,
  error: { code: 'internal', message: (browser.i18n as MessageLookup).getMessage(INTERRUPTED.replace('.', '_')) },
});

/** One `runtime.sendMessage` per request: extension pages, which live briefly. */
export const send: Send = async (type, ...[fields]) => {
  try {
    const reply = await browser.runtime.sendMessage({ ...fields, type });
    return reply ?? unreachable();
  } catch {
    return unreachable();
  }
};

interface PortReply {
  id: number;
  reply: unknown;
}

/**
 * One long-lived `runtime.connect` port for every request (content scripts): no channel is opened
 * and torn down per click. The worker stopping closes the port; the next request opens a new one.
 * A request in flight when it closes is answered "interrupted", never sent again (an email must not
 * go twice).
 */
export function portSender(connect: () => Browser.runtime.Port = () => browser.runtime.connect({ name: PORT_NAME })) {
  let port: Browser.runtime.Port | undefined;
  let nextId = 0;
  const pending = new Map<number, (reply: unknown) => void>();
  const open = (): Browser.runtime.Port => {
    if (port) return port;
    const opened = connect();
    opened.onMessage.addListener((message: PortReply) => {
      const resolve = pending.get(message?.id);
      pending.delete(message?.id);
      resolve?.(message.reply);
    });
    opened.onDisconnect.addListener(() => {
      if (port === opened) port = undefined;
      for (const resolve of pending.values()) resolve(undefined);
      pending.clear();
    });
    port = opened;
    return opened;
  };
  const sendOnPort: Send = async (type, ...[fields]) => {
    const id = nextId++;
    const reply = new Promise<unknown>((resolve) => pending.set(id, resolve));
    try {
      open().postMessage({ id, message: { ...fields, type } });
    } catch {
      pending.delete(id); // orphaned by an update, or the port just closed
      return unreachable();
    }
    return ((await reply) as ReplyOf<typeof type> | undefined) ?? unreachable();
  };
  return {
    send: sendOnPort,
    close(): void {
      port?.disconnect();
      port = undefined;
    },
  };
}

/**
 * A tab message to a tab's top frame (popup, background). The reply is the page's word: the caller
 * checks it (`parseDetected`, `parseActionReply` in lib/helpdesks/detected.ts). Rejects when nothing listens.
 */
export function sendToTab(tabId: number, message: BareTabType | TabMessage): Promise<unknown> {
  const whole: TabMessage = typeof message === 'string' ? { type: message } : message;
  return browser.tabs.sendMessage(tabId, whole, { frameId: 0 });
}
