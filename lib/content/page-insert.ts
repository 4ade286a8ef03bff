/**
 * The half of "Insert into reply" that runs in the page's own world (an unlisted script injected
 * by the content script): the editors' objects live there only. It imports nothing, receives only
 * strings (JSON in a CustomEvent's `detail`) and answers with strings.
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

/** Content script → page, dispatched on the injected script's own element. */
export const INSERT_REQUEST = 'portal-link:insert-request' satisfies MainWorldEvent;
/** Page → content script, on the same element. */
export const INSERT_RESULT = 'portal-link:insert-result' satisfies MainWorldEvent;
/** The composer to insert into carries this attribute, valued with the request's id. */
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

/** Inserts at the editor's own caret (CKEditor keeps its model selection while unfocused). */
export function insertIntoComposer(element: HTMLElement, url: string): PageInsertResult {
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
  const event = new ClipboardEvent('paste', { clipboardData: new DataTransfer(), bubbles: true, cancelable: true });
  // Set on the event's own DataTransfer: Firefox drops data set on a separate one (Briskine).
  event.clipboardData?.setData('text/plain', url);
  event.clipboardData?.setData('text/html', html);
  element.dispatchEvent(event);
  return 'pasted';
}

function parseRequest(detail: unknown): InsertRequest | undefined {
  if (typeof detail !== 'string' || detail.length > 10_000) return undefined;
  try {
    const value = JSON.parse(detail) as Partial<InsertRequest>;
    return typeof value.id === 'string' && typeof value.url === 'string' ? { id: value.id, url: value.url } : undefined;
  } catch {
    return undefined;
  }
}

/** Listens on the injected script's element (detached from the document, so page code can't reach it). */
export function serveInserts(channel: EventTarget, doc: Document): void {
  channel.addEventListener(INSERT_REQUEST, (event) => {
    const request = parseRequest((event as CustomEvent).detail);
    if (!request) return;
    let result: PageInsertResult;
    try {
      const target = doc.querySelector(`[${TARGET_ATTRIBUTE}="${CSS.escape(request.id)}"]`);
      result = target instanceof HTMLElement ? insertIntoComposer(target, request.url) : 'not-found';
    } catch {
      result = 'failed';
    }
    channel.dispatchEvent(new CustomEvent(INSERT_RESULT, { detail: JSON.stringify({ id: request.id, result }) }));
  });
}
