// @vitest-environment happy-dom
/**
 * "Insert into reply" in happy-dom: the page-world script and the content script's bridge talking
 * over the private channel, and the runtime's insert (ticket, recipient question) and email.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { EMAIL_UNDO_MS } from '../../lib/content/actions';
import { composerBridge } from '../../lib/content/insert-bridge';
import { INSERT_REQUEST, serveInserts } from '../../lib/content/insert-page';
import { startHelpdesk } from '../../lib/content/runtime';
import { zendesk } from '../../lib/helpdesks/zendesk';
import { CC, JANE, ZENDESK_TICKETS, type ZendeskTicket, zendeskTicketHtml } from '../fixtures/helpdesk/zendesk';
import { shadowOf } from './dom';

// The on-demand half (insert, questions), imported here rather than from the extension's URL.
vi.mock('../../lib/content/load', async () => {
  const { startOnDemand } = await import('../../lib/content/on-demand');
  return { loadOnDemand: async () => startOnDemand() };
});

const URL_ = 'https://acme-shop.myshopify.com/tools/recurring/customer_portal?token=t';

/** A composer whose "editor" renders what it is given (`renders`: what its insertContent puts in the DOM). */
function fakeEditor(renders: (url: string) => string): HTMLElement {
  const el = document.createElement('div');
  el.setAttribute('contenteditable', 'true');
  let html = '';
  Object.assign(el, {
    ckeditorInstance: {
      model: { change: (cb: () => void) => cb(), insertContent: () => el.insertAdjacentHTML('beforeend', html) },
      data: { processor: { toView: (h: string) => h }, toModel: (v: string) => v },
    },
  });
  html = renders(URL_);
  document.body.append(el);
  return el;
}

/** The bridge with the page-world script run in place, its closed root read as the extension would. */
function bridge() {
  const roots = new Map<Element, ShadowRoot>();
  const attach = Element.prototype.attachShadow;
  vi.spyOn(Element.prototype, 'attachShadow').mockImplementation(function (this: Element, init) {
    const root = attach.call(this, init);
    roots.set(this, root);
    return root;
  });
  return composerBridge({ inject: async () => serveInserts(document), open: (host) => roots.get(host) });
}

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
  for (const el of document.querySelectorAll('[data-portal-link-insert]')) el.remove();
});

describe('the private insert channel', () => {
  it('inserts through the editor; the page hears nothing on the document', async () => {
    const heard: string[] = [];
    document.addEventListener(INSERT_REQUEST, (e) => heard.push(String((e as CustomEvent).detail)), true);
    const el = fakeEditor((url) => `<a href="${url}">${url}</a>`);
    expect(await bridge().insert(el, URL_)).toBe('inserted');
    expect(heard).toEqual([]);
    expect(el.hasAttribute('data-portal-link-insert-target')).toBe(false);
  });

  it('the URL as text only (no link to it in the editor) is not an insert', async () => {
    const el = fakeEditor((url) => `<p>${url}</p>`);
    expect(await bridge().insert(el, URL_)).toBe('failed');
  });

  it('a second channel host added by the page at the same moment: no insert', async () => {
    const el = fakeEditor((url) => `<a href="${url}">${url}</a>`);
    const b = composerBridge({
      inject: async () => {
        serveInserts(document);
        serveInserts(document); // an imitation
      },
      open: () => null,
    });
    expect(await b.insert(el, URL_)).toBe('failed');
    expect(el.querySelector('a')).toBeNull();
  });
});

describe('runtime: insert and email', () => {
  const COMPOSER =
    '<div class="ck-editor__editable" data-test-id="omnicomposer-rich-text-ckeditor" contenteditable="true"></div>';

  function start(id: number) {
    (globalThis as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(
      `https://acme.zendesk.com/agent/tickets/${id}`,
    );
    document.body.innerHTML = zendeskTicketHtml(ZENDESK_TICKETS[id] as ZendeskTicket, {
      active: true,
      composer: COMPOSER,
    });
    fakeBrowser.runtime.id = 'test';
    const send = vi.fn(async (type: string) =>
      type === 'get-actions'
        ? { ok: true, canEmail: true, ready: true }
        : type === 'email-link'
          ? { ok: true, to: JANE.email }
          : {
              ok: true,
              url: URL_,
              expiresAt: Date.now() + 60_000,
              cached: false,
              customer: JANE.email,
            },
    );
    const confirm = vi.fn(async () => false);
    const insert = vi.fn(async () => 'inserted' as const);
    const controller = new AbortController();
    const runtime = startHelpdesk(zendesk, {
      signal: controller.signal,
      onLocationChange: () => {},
      getJson: async () => ({ status: 401, body: {} }),
      send: send as never,
      composer: { insert },
      confirm,
      settleMs: 5,
      judgeClick: () => undefined,
    });
    return { runtime, send, confirm, insert, stop: () => controller.abort() };
  }

  it('the reply goes to the CC: asked with both addresses; Cancel sends no link request', async () => {
    const { runtime, send, confirm, insert, stop } = start(110);
    expect(await runtime.insert()).toBe(false);
    expect(confirm).toHaveBeenCalledWith({
      text: `This reply goes to ${CC.email}; the link is for ${JANE.email}.`,
      confirm: 'Insert anyway',
    });
    expect(send.mock.calls.map(([type]) => type)).not.toContain('get-link');
    expect(insert).not.toHaveBeenCalled();
    stop();
  });

  const emailed = (send: ReturnType<typeof start>['send']) => send.mock.calls.filter(([type]) => type === 'email-link');
  const undoButton = () =>
    [...(shadowOf(document.querySelector('[data-portal-link="toast"]'))?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent === 'Undo' && !b.hidden,
    );

  it('email: Undo within the 5 seconds sends nothing; otherwise one request for the requester, after the 5 seconds', async () => {
    const { runtime, send, stop } = start(110);
    const undone = runtime.email();
    await vi.waitFor(() => expect(undoButton()).toBeDefined());
    undoButton()?.click();
    expect(await undone).toBe(false);
    expect(emailed(send)).toEqual([]);

    const asked = Date.now();
    expect(await runtime.email()).toBe(true);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(EMAIL_UNDO_MS);
    expect(emailed(send)).toEqual([['email-link', { customer: { email: JANE.email, name: JANE.name } }]]);
    stop();
  }, 15_000);
});
