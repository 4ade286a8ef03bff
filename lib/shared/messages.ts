/**
 * Every runtime message, its schema and who may send it. The background checks the sender
 * first, then the schema, and fails closed: anything else gets an error reply.
 */

import { settingsSchema } from '../settings/schema';
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

export const requestSchema = z.discriminatedUnion('type', [
  /** Copy the link for typed text (popup) or a detected customer (popup, inline button). */
  z.object({
    type: z.literal('copy-portal-link'),
    customer: z.union([z.string().max(1280), customerRef]),
    storeId: z.string().max(64).optional(),
    /**
     * Popup: the host of the tab it was opened on. Without a store picked, the background resolves
     * the store from it, so a click before the picker has loaded still uses the tab's store.
     */
    tabHost: z.string().max(253).optional(),
    /** The sender writes the clipboard itself (it has the agent's click): the background only issues. */
    copyHere: z.literal(true).optional(),
  }),
  /** The link itself, for the content script to insert into the ticket's reply (no clipboard write). */
  z.object({ type: z.literal('get-portal-link'), customer: customerRef }),
  /** Have the provider email the customer their link (Appstle); the background never retries it. */
  z.object({
    type: z.literal('email-portal-link'),
    customer: z.union([z.string().max(1280), customerRef]),
    storeId: z.string().max(64).optional(),
    tabHost: z.string().max(253).optional(),
  }),
  /** What the in-page menu may offer for the tab's store. */
  z.object({ type: z.literal('get-actions') }),
  z.object({ type: z.literal('get-settings') }),
  z.object({ type: z.literal('save-settings'), settings: settingsSchema }),
  /** Check a key: the store as typed in the options page (an empty key means the saved one). */
  z.object({ type: z.literal('test-connection'), store: z.unknown() }),
  /** Sign in to the team relay with a one-time enrollment code (the page asked for the origin first). */
  z.object({ type: z.literal('relay-sign-in'), url: z.string().max(2048), code: z.string().max(64) }),
  z.object({ type: z.literal('relay-sign-out') }),
]);
export type Request = z.infer<typeof requestSchema>;
export type RequestType = Request['type'];

export const allowedSenders: Record<RequestType, readonly SenderClass[]> = {
  'copy-portal-link': ['extension-page', 'helpdesk-content-script'],
  'get-portal-link': ['helpdesk-content-script'],
  'email-portal-link': ['extension-page', 'helpdesk-content-script'],
  'get-actions': ['helpdesk-content-script'],
  'get-settings': ['extension-page'],
  'save-settings': ['extension-page'],
  'test-connection': ['extension-page'],
  'relay-sign-in': ['extension-page'],
  'relay-sign-out': ['extension-page'],
};

export type Reply<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorInfo };

export interface CopyResult {
  url: string;
  expiresAt: number;
  cached: boolean;
  storeName: string;
  /** Whom the link is for (the email used, else the id): every confirmation names them. */
  customer: string;
  /** How long the provider (or the team relay) took, 0 when cached: benchmarks subtract it (ms, 0.1). */
  providerMs?: number;
}

/** A link handed to the content script to insert (same fields; nothing was copied). */
export type LinkResult = CopyResult;

export interface EmailResult {
  /** The address Appstle emailed. */
  to: string;
  storeName: string;
}

export interface ActionsResult {
  /** The tab's store can have the customer emailed their link (Appstle). */
  canEmail: boolean;
}
