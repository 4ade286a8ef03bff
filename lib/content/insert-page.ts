/**
 * The half of "Insert into reply" that runs in the page's own world (an unlisted script injected
 * by the content script): the editors' objects live there only. It imports nothing, receives only
 * strings (JSON in a CustomEvent's `detail`) and answers with strings.
 *
 * The page shares this world, so the channel is kept from it: everything used is captured when the
 * script runs (page code that runs later can't replace it), and requests and answers travel as
 * non-composed events on a node inside a closed shadow root that only this script holds (the
 * content script reaches it through the extension-only `openOrClosedShadowRoot`), so they never
 * reach the page's listeners. Each request carries a nonce that the answer must repeat. Page code
 * that ran before this script could have replaced the globals first: the content script never
 * trusts the answer, and checks the editor itself shows the link (insert-bridge.ts).
 *
 * Sources: CKEditor 5 through its model, as Briskine did for Zendesk (Briskine/briskine
 * src/content/editors/editor-ckeditor.js: `data.processor.toView` → `data.toModel` →
 * `model.insertContent`) and PixieBrix does from its page script (pixiebrix/pixiebrix-extension
 * src/contrib/ckeditor/ckeditorProtocol.ts); the editor object is the element's `ckeditorInstance`.
 * Draft.js (Gorgias) through a synthetic paste carrying text/plain and text/html, built here in the
 * page because Firefox hands an isolated-world paste an empty DataTransfer (Briskine
 * src/content/editors/editor-paste.js; PixieBrix src/contrib/draftjs/draftJsDom.ts). Gorgias's
 * RichFieldEditor handles pasted HTML itself (ines-parreira/prototypes
 * apps/helpdesk/src/pages/common/forms/RichField/RichFieldEditor.tsx, `_handlePastedText`).
 * Never `execCommand`: CKEditor 5 ignores it and it corrupts Draft.js (PixieBrix #7630, #8157).
 */

import type { MainWorldEvent, MainWorldProtocol } from '../shared/protocol'; // types only: this script imports nothing

/** Content script → page, dispatched on the channel node. */
export const INSERT_REQUEST = 'portal-link:insert-request' satisfies MainWorldEvent;
/** Page → content script, on the same node. */
export const INSERT_RESULT = 'portal-link:insert-result' satisfies MainWorldEvent;
/** The element whose closed shadow root holds the channel node. */
export const CHANNEL_HOST = 'data-portal-link-insert';
/** The composer to insert into carries this attribute, valued with the request's target id (not its nonce). */
export const TARGET_ATTRIBUTE = 'data-portal-link-insert-target';

export type PageInsertResult = MainWorldProtocol[typeof INSERT_RESULT]['result'];
export type InsertRequest = MainWorldProtocol[typeof INSERT_REQUEST];

interface CkEditorLike {
  isReadOnly?: boolean;
  model: { change(callback: () => void): void; insertContent(content: unknown): void };
  data: { processor: { toView(html: string): unknown }; toModel(view: unknown): unknown };
  editing?: { view?: { focus(): void } };
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The link as the reply should carry it: an `<a>` whose text is the URL. */
export function linkHtml(url: string): string {
  const safe = escapeHtml(url);
  return `<a href="${safe}">${safe}</a>`;
}

function ckeditorOf(element: Element): CkEditorLike | undefined {
  const editor = (element as { ckeditorInstance?: Partial<CkEditorLike> }).ckeditorInstance;
  return editor?.model && editor.data ? (editor as CkEditorLike) : undefined;
}

/** What the page could replace later, as it is when this script runs. */
function captured() {
  return {
    apply: Reflect.apply,
    listen: EventTarget.prototype.addEventListener,
    emit: EventTarget.prototype.dispatchEvent,
    query: Document.prototype.querySelector,
    parse: JSON.parse,
    stringify: JSON.stringify,
    escape: CSS.escape,
    Custom: CustomEvent,
    Clipboard: ClipboardEvent,
    Transfer: DataTransfer,
  };
}
type Captured = ReturnType<typeof captured>;

/** Inserts at the editor's own caret (CKEditor keeps its model selection while unfocused). */
export function insertIntoComposer(element: HTMLElement, url: string, own: Captured = captured()): PageInsertResult {
  const html = linkHtml(url);
  const editor = ckeditorOf(element);
  if (editor) {
    if (editor.isReadOnly) return 'read-only';
    editor.model.change(() => {
      editor.model.insertContent(editor.data.toModel(editor.data.processor.toView(html)));
    });
    editor.editing?.view?.focus();
    return 'inserted';
  }
  if (element.getAttribute('contenteditable') !== 'true') return 'read-only';
  // Draft.js pastes at the selection in its EditorState; focusing first keeps that selection.
  if (element.ownerDocument.activeElement !== element) element.focus();
  const event = new own.Clipboard('paste', { clipboardData: new own.Transfer(), bubbles: true, cancelable: true });
  // Set on the event's own DataTransfer: Firefox drops data set on a separate one (Briskine).
  event.clipboardData?.setData('text/plain', url);
  event.clipboardData?.setData('text/html', html);
  own.apply(own.emit, element, [event]);
  return 'pasted';
}

function parseRequest(detail: unknown, parse: Captured['parse']): InsertRequest | undefined {
  if (typeof detail !== 'string' || detail.length > 10_000) return undefined;
  try {
    const value = parse(detail) as Partial<InsertRequest>;
    const { nonce, target, url } = value;
    return typeof nonce === 'string' && typeof target === 'string' && typeof url === 'string'
      ? { nonce, target, url }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the private channel: a hidden element with a closed shadow root holding the node that
 * requests and answers are dispatched on (not composed, so they stay inside). Returns the host.
 */
export function serveInserts(doc: Document): Element {
  const own = captured();
  const host = doc.createElement('span');
  host.setAttribute(CHANNEL_HOST, '');
  host.hidden = true;
  const channel = doc.createElement('i');
  host.attachShadow({ mode: 'closed' }).append(channel);
  own.apply(own.listen, channel, [
    INSERT_REQUEST,
    (event: Event) => {
      const request = parseRequest((event as CustomEvent).detail, own.parse);
      if (!request) return;
      let result: PageInsertResult;
      try {
        const target = own.apply(own.query, doc, [`[${TARGET_ATTRIBUTE}="${own.escape(request.target)}"]`]);
        result = target instanceof HTMLElement ? insertIntoComposer(target, request.url, own) : 'not-found';
      } catch {
        result = 'failed';
      }
      const detail = own.stringify({ nonce: request.nonce, result });
      own.apply(own.emit, channel, [new own.Custom(INSERT_RESULT, { detail })]);
    },
  ]);
  doc.documentElement.append(host);
  return host;
}
