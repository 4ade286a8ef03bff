/**
 * The whole protocol in one place: every message between our contexts, with its request schema, its
 * reply type and who may send it. Names are verb-noun in kebab case and unique across channels;
 * keyboard command ids (`copy-portal-link`, `insert-portal-link`) are not message types.
 *
 * Channels:
 * - runtime: extension pages and content scripts → background (`send`, lib/shared/messaging-client.ts;
 *   content scripts over one long-lived port). The background checks the sender class, then the
 *   schema, and fails closed (lib/background/router.ts).
 * - tab: popup and background → the ticket tab's content script (`sendToTab`). Content scripts carry
 *   no zod, so they check the type by hand; the caller checks the reply (lib/helpdesks/detected.ts).
 * - offscreen: background → the offscreen clipboard document (Chrome).
 * - broadcast: background → open extension pages; carries no data.
 * - main world: content script ↔ the page-world insert script, as non-composed CustomEvents on a node
 *   inside its closed shadow root (lib/content/insert-page.ts imports nothing, so its names are
 *   checked against this type).
 *
 * Content scripts import only types from here (zod stays out of their bundles); docs/architecture.md's
 * message table is generated from this module (tests/unit/protocol.test.ts).
 */

import type { DetectedCustomer } from '../helpdesks/types';
import type { SettingsView } from '../settings/schema';
import type { ErrorInfo } from './errors';
import { z } from './zod';

/** Who is talking: our own pages, our content script on a helpdesk ticket, or anyone else. */
export type SenderClass = 'extension-page' | 'helpdesk-content-script' | 'untrusted';

export interface SenderLike {
  id?: string;
  url?: string;
  origin?: string;
  frameId?: number;
  tab?: { id?: number; url?: string };
}

const HELPDESK_HOST = /^[a-z0-9][a-z0-9-]*\.(zendesk|gorgias)\.com$/;

/**
 * Classifies a message sender. `sender.id` must be ours; an extension page is recognised by its
 * origin (Firefox lacks `origin`, so the URL's origin stands in), a content script by a tab, the
 * top frame and an https helpdesk origin.
 */
export function classifySender(sender: SenderLike, runtimeId: string, extensionOrigin: string): SenderClass {
  if (!runtimeId || sender.id !== runtimeId) return 'untrusted';
  const origin = sender.origin ?? originOf(sender.url);
  if (origin === undefined) return 'untrusted';
  if (origin === extensionOrigin.replace(/\/$/, '')) return 'extension-page';
  if (sender.tab === undefined || sender.frameId !== 0) return 'untrusted';
  const url = safeUrl(origin);
  return url?.protocol === 'https:' && url.port === '' && HELPDESK_HOST.test(url.hostname)
    ? 'helpdesk-content-script'
    : 'untrusted';
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function originOf(url: string | undefined): string | undefined {
  const parsed = url === undefined ? undefined : safeUrl(url);
  return parsed && parsed.origin !== 'null' ? parsed.origin : parsed ? `${parsed.protocol}//${parsed.host}` : undefined;
}

export type Reply<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorInfo };

export interface CopyResult {
  url: string;
  expiresAt: number;
  cached: boolean;
  /** Whom the link is for (the email used, else the id): every confirmation names them. */
  customer: string;
  /** How long the provider (or the team relay) took, 0 when cached: benchmarks subtract it (ms, 0.1). */
  providerMs?: number;
  /** A team relay's lasting link (/l/<id>): `expiresAt` is when that page stops working. */
  lasting?: boolean;
}

export interface EmailResult {
  /** The address Appstle emailed. */
  to: string;
}

export interface ActionsResult {
  /** The tab's store can have the customer emailed their link (Appstle). */
  canEmail: boolean;
  /** A store serves this tab (else the in-page button offers to finish setting up). */
  ready: boolean;
}

export interface SettingsResult {
  settings: SettingsView;
}

const customerRef = z.object({
  id: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  name: z.string().max(200).optional(),
  /** Shopify customer ids a helpdesk knows (Gorgias), with their shop when known; the background picks. */
  shopify: z
    .array(z.object({ id: z.string().max(40), shop: z.string().max(253).optional() }))
    .max(20)
    .optional(),
});
const typedOrDetected = z.union([z.string().max(1280), customerRef]);
/** A store id: the agent's, the policy's or the relay's own, 64 characters at most for each. */
const storeId = z.string().max(64);

/** A message's spec: its request fields (without `type`), who may send it, and (types only) its reply. */
interface Spec<Request extends z.ZodType, Result> {
  request: Request;
  from: readonly SenderClass[];
  /** Never set: carries the reply's type. */
  reply?: Result;
}
/** `spec<Result>()({ request, from })`: the reply type given, the request's inferred. */
const spec =
  <Result extends object>() =>
  <Request extends z.ZodType>(s: { request: Request; from: readonly SenderClass[] }): Spec<Request, Result> =>
    s;

/** Whose link, from which store: what copy-link and email-link both name. */
const linkFor = {
  customer: typedOrDetected,
  storeId: storeId.optional(),
  /**
   * Popup: the host of the tab it was opened on. Without a store picked, the background resolves
   * the store from it, so a click before the picker has loaded still uses the tab's store.
   */
  tabHost: z.string().max(253).optional(),
};

const PAGE = 'extension-page';
const CONTENT = 'helpdesk-content-script';

/** Extension pages and content scripts → background. */
export const runtimeProtocol = {
  /** Copy the link for typed text (popup) or a detected customer (popup, inline button). */
  'copy-link': spec<CopyResult>()({
    from: [PAGE, CONTENT],
    request: z.object({
      ...linkFor,
      /** The sender writes the clipboard itself (it has the agent's click): the background only issues. */
      copyHere: z.literal(true).optional(),
    }),
  }),
  /**
   * A link to insert into the sender's ticket's reply (nothing copied): for its requester (its host
   * picks the store), or for what the popup granted that tab (`grant-insert`).
   */
  'get-link': spec<CopyResult>()({
    from: [CONTENT],
    request: z.object({ customer: customerRef, grant: z.string().max(64).optional() }),
  }),
  /**
   * The popup's Insert for the store picked or a customer typed there: a one-time grant that only
   * the content script of tab `tabId` can redeem with `get-link` (lib/background/insert-grants.ts).
   */
  'grant-insert': spec<{ grant: string }>()({
    from: [PAGE],
    request: z.object({ customer: typedOrDetected, storeId: storeId.optional(), tabId: z.number().int() }),
  }),
  /** The agent chose to use the default store on this (unlisted) helpdesk account: list the sender's host. */
  'add-helpdesk-host': spec<object>()({ from: [CONTENT], request: z.object({}) }),
  /** Have the provider email the customer their link (Appstle); the background never retries it. */
  'email-link': spec<EmailResult>()({ from: [PAGE, CONTENT], request: z.object(linkFor) }),
  /** What the in-page menu may offer for the tab's store. */
  'get-actions': spec<ActionsResult>()({ from: [CONTENT], request: z.object({}) }),
  /** Open the settings page (an in-page "Open settings" / "Finish set-up"): a content script can't. */
  'open-settings': spec<object>()({ from: [CONTENT], request: z.object({}) }),
  'get-settings': spec<SettingsResult>()({ from: [PAGE], request: z.object({}) }),
  /** The agent's own stores as the options page sends them (checked by lib/settings' schema, in the router). */
  'save-settings': spec<SettingsResult>()({ from: [PAGE], request: z.object({ settings: z.unknown() }) }),
  /** Check a key: the store as typed in the options page (an empty key means the saved one). */
  'test-connection': spec<{ provider: string }>()({ from: [PAGE], request: z.object({ store: z.unknown() }) }),
  /** Sign in to the team relay with a one-time enrollment code (the page asked for the origin first). */
  'relay-sign-in': spec<SettingsResult>()({
    from: [PAGE],
    request: z.object({ url: z.string().max(2048), code: z.string().max(64) }),
  }),
  'relay-sign-out': spec<SettingsResult>()({ from: [PAGE], request: z.object({}) }),
};

type Runtime = typeof runtimeProtocol;
export type RuntimeType = keyof Runtime;
/** A runtime message as it travels: its type and its fields. */
export type RequestOf<K extends RuntimeType> = { type: K } & z.input<Runtime[K]['request']>;
/** The fields a handler gets, validated. */
export type ParsedRequestOf<K extends RuntimeType> = z.output<Runtime[K]['request']>;
export type ResultOf<K extends RuntimeType> = NonNullable<Runtime[K]['reply']>;
export type ReplyOf<K extends RuntimeType> = Reply<ResultOf<K>>;
export type Request = { [K in RuntimeType]: RequestOf<K> }[RuntimeType];

export function isRuntimeType(type: unknown): type is RuntimeType {
  return typeof type === 'string' && Object.hasOwn(runtimeProtocol, type);
}

/** A runtime message checked against its type's schema (unknown fields dropped), or undefined. */
export function parseRequest(message: unknown): Request | undefined {
  const type = (message as { type?: unknown } | null)?.type;
  if (!isRuntimeType(type)) return undefined;
  const parsed = runtimeProtocol[type].request.safeParse(message);
  return parsed.success ? ({ ...parsed.data, type } as Request) : undefined;
}

/**
 * The content script's reply to `copy-detected-link` / `insert-detected-link`: it handled it (done,
 * or showed why not) in the page; `message` is what the page's toast said, for the popup to repeat.
 */
export interface TabActionReply {
  handled: true;
  ok: boolean;
  message?: string;
}

/** Popup and background → the helpdesk tab's content script (top frame); checked by hand. */
export interface TabProtocol {
  /** The requester of the ticket on screen (popup); the reply is checked with `parseDetected`. */
  'get-detected-customer': DetectedCustomer | null;
  /** Copy the detected customer's link, with the in-page toast (shortcut). */
  'copy-detected-link': TabActionReply;
  /** Insert the detected customer's link into the open ticket's reply (popup, shortcut). */
  'insert-detected-link': TabActionReply;
  /** Say how a context-menu action went, in the content script's own toast (not one injected into the page). */
  'show-feedback': { shown: true };
}
export type TabType = keyof TabProtocol;
/**
 * The popup's Insert for the store picked and a customer typed there: the content script asks for
 * the link with the background's one-time `grant` (not its ticket's requester), and only while its
 * tab shows the ticket the popup showed (`ticketId`). `customer` is whom the agent typed, for the
 * recipient check.
 */
export interface PopupGrant {
  grant: string;
  customer: string;
  ticketId: string;
}
/** The fields a tab message carries (the others carry none). */
export interface TabFields {
  'show-feedback': { role: 'status' | 'alert'; text: string };
  'insert-detected-link': { grant?: PopupGrant };
}
/** A tab message that may be named by its type alone (no fields, or only optional ones). */
export type BareTabType = {
  [K in TabType]: Record<never, never> extends (K extends keyof TabFields ? TabFields[K] : object) ? K : never;
}[TabType];
export type TabMessage = {
  [K in TabType]: { type: K } & (K extends keyof TabFields ? TabFields[K] : unknown);
}[TabType];
export const TAB_SENDERS: Record<TabType, string> = {
  'get-detected-customer': 'popup',
  'copy-detected-link': 'background (shortcut)',
  'insert-detected-link': 'popup, background (shortcut)',
  'show-feedback': 'background (context menu)',
};

/** Longer than any portal link; the offscreen document refuses more. */
export const MAX_COPY_CHARS = 4096;
/** Background → offscreen document: write this text to the clipboard. `target` keeps it from the router. */
export const offscreenProtocol = {
  'write-clipboard': z.object({
    target: z.literal('offscreen'),
    type: z.literal('write-clipboard'),
    text: z.string().max(MAX_COPY_CHARS),
  }),
};
export type OffscreenMessage = z.infer<(typeof offscreenProtocol)['write-clipboard']>;

/** Background → open extension pages: something under them changed; they ask again. */
export const BROADCASTS = { 'settings-changed': 'the administrator’s policy changed' } as const;
export type Broadcast = { type: keyof typeof BROADCASTS };

/** Content script ↔ page-world insert script (CustomEvents; `detail` is JSON text). */
export interface MainWorldProtocol {
  /** `nonce`: per insert, repeated by the answer; `target`: the composer's TARGET_ATTRIBUTE value. */
  'portal-link:insert-request': { nonce: string; target: string; url: string };
  'portal-link:insert-result': {
    nonce: string;
    result: 'inserted' | 'pasted' | 'read-only' | 'not-found' | 'failed';
  };
}
export type MainWorldEvent = keyof MainWorldProtocol;

/** The table docs/architecture.md shows (tests/unit/protocol.test.ts keeps them equal). */
export function protocolTable(): string {
  const row = (type: string, to: string, from: string) => `| \`${type}\` | ${to} | ${from} |`;
  const who = { [PAGE]: 'extension pages', [CONTENT]: 'content script' } as const;
  return [
    '| message | to | sent by |',
    '| --- | --- | --- |',
    ...Object.entries(runtimeProtocol).map(([type, s]) =>
      row(type, 'background', s.from.map((f) => who[f as keyof typeof who]).join(', ')),
    ),
    ...Object.entries(TAB_SENDERS).map(([type, from]) => row(type, 'content script', from)),
    ...Object.keys(offscreenProtocol).map((type) => row(type, 'offscreen document', 'background')),
    ...Object.keys(BROADCASTS).map((type) => row(type, 'extension pages', 'background')),
    row('portal-link:insert-request', 'page-world script', 'content script'),
    row('portal-link:insert-result', 'content script', 'page-world script'),
  ].join('\n');
}
