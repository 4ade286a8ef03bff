import { describe, expect, it } from 'vitest';
import { copyInDocument, fromBackground, type OffscreenApi, offscreenClipboard } from '../../lib/background/clipboard';
import { PortalLinkError } from '../../lib/shared/error-codes';
import { MAX_COPY_CHARS, offscreenProtocol } from '../../lib/shared/protocol';
import { rejectionOf } from './helpers';

const LINK = 'https://acme-shop.myshopify.com/tools/recurring/customer_portal?token=abc';

interface FakeOffscreen extends OffscreenApi {
  creates: number;
  sent: unknown[];
  exists: boolean;
  /** Resolves the pending creation (when created manually). */
  finishCreate?: (ok: boolean) => void;
}

/** An offscreen API whose document exists only after createDocument; creating twice throws like Chrome. */
function fakeOffscreen(options: { reply?: unknown; manualCreate?: boolean; exists?: boolean } = {}): FakeOffscreen {
  const api: FakeOffscreen = {
    creates: 0,
    sent: [],
    exists: options.exists ?? false,
    hasDocument: async () => api.exists,
    createDocument: () => {
      api.creates++;
      if (api.exists) return Promise.reject(new Error('Only a single offscreen document may be created.'));
      return new Promise<void>((resolve, reject) => {
        const finish = (ok: boolean) => {
          if (ok) {
            api.exists = true;
            resolve();
          } else reject(new Error('creation failed'));
        };
        if (options.manualCreate) api.finishCreate = finish;
        else setTimeout(() => finish(true), 5);
      });
    },
    send: async (message) => {
      if (!api.exists) throw new Error('Could not establish connection. Receiving end does not exist.');
      api.sent.push(message);
      return 'reply' in options ? options.reply : true;
    },
  };
  return api;
}

describe('offscreenClipboard', () => {
  it('creates the document, then sends the copy message', async () => {
    const api = fakeOffscreen();
    const copy = offscreenClipboard(api);
    await copy(LINK);
    expect(api.creates).toBe(1);
    expect(api.sent).toEqual([{ target: 'offscreen', type: 'write-clipboard', text: LINK }]);
  });

  it('reuses an existing document', async () => {
    const api = fakeOffscreen({ exists: true });
    const copy = offscreenClipboard(api);
    await copy(LINK);
    await copy(`${LINK}2`);
    expect(api.creates).toBe(0);
    expect(api.sent).toHaveLength(2);
  });

  it.each([2, 3, 10])('creates once when %i copies race', async (n) => {
    const api = fakeOffscreen();
    const copy = offscreenClipboard(api);
    const texts = Array.from({ length: n }, (_, i) => `${LINK}${i}`);
    await Promise.all(texts.map((t) => copy(t)));
    expect(api.creates).toBe(1);
    expect(api.sent).toHaveLength(n);
    expect(api.sent.map((m) => (m as { text: string }).text).sort()).toEqual([...texts].sort());
  });

  it('racing copies share each creation; when it fails (and so does the one retry) all fail, and the next copy tries again', async () => {
    const api = fakeOffscreen({ manualCreate: true });
    const copy = offscreenClipboard(api);
    const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
    const racing = [copy('a'), copy('b')].map((p) => rejectionOf(p));
    await tick();
    api.finishCreate?.(false);
    await tick();
    api.finishCreate?.(false); // the retry, shared too
    const errors = await Promise.all(racing);
    expect(errors.every((e) => e instanceof PortalLinkError && e.code === 'clipboard-failed')).toBe(true);
    expect(api.creates).toBe(2);
    expect(api.sent).toEqual([]);

    const next = copy('c');
    await tick();
    api.finishCreate?.(true);
    await next;
    expect(api.creates).toBe(3);
    expect(api.sent).toEqual([{ target: 'offscreen', type: 'write-clipboard', text: 'c' }]);
  });

  it.each([false, undefined, null, 'true', 1, { ok: true }])(
    'a reply of %j from the document is clipboard-failed',
    async (reply) => {
      const api = fakeOffscreen({ exists: true, reply });
      const copy = offscreenClipboard(api);
      const error = await rejectionOf(copy(LINK));
      expect(error).toBeInstanceOf(PortalLinkError);
      expect((error as PortalLinkError).code).toBe('clipboard-failed');
    },
  );

  it('the message it sends matches the offscreen schema', async () => {
    const api = fakeOffscreen({ exists: true });
    const copy = offscreenClipboard(api);
    await copy(LINK);
    expect(offscreenProtocol['write-clipboard'].safeParse(api.sent[0]).success).toBe(true);
  });
});

describe("offscreenProtocol['write-clipboard']", () => {
  it.each<[unknown, boolean]>([
    [{ target: 'offscreen', type: 'write-clipboard', text: LINK }, true],
    [{ target: 'offscreen', type: 'write-clipboard', text: '' }, true],
    [{ target: 'offscreen', type: 'write-clipboard', text: 'x'.repeat(MAX_COPY_CHARS + 1) }, false],
    [{ target: 'background', type: 'write-clipboard', text: LINK }, false],
    [{ target: 'offscreen', type: 'paste', text: LINK }, false],
    [{ target: 'offscreen', type: 'write-clipboard' }, false],
    [{ target: 'offscreen', type: 'write-clipboard', text: 1 }, false],
    [{ type: 'copy-link', customer: 'x' }, false],
    [null, false],
  ])('%j → %s', (message, ok) => {
    expect(offscreenProtocol['write-clipboard'].safeParse(message).success).toBe(ok);
  });
});

describe('fromBackground: the offscreen document obeys the service worker only', () => {
  const ID = 'abcdefghijklmnopabcdefghijklmnop';
  const WORKER = `chrome-extension://${ID}/background.js`;
  it.each<[string, { id?: string; tab?: unknown; url?: string }, boolean]>([
    ['the service worker', { id: ID, url: WORKER }, true],
    ['a content script (a tab, a web URL)', { id: ID, tab: { id: 3 }, url: 'https://acme.zendesk.com/' }, false],
    ['the popup (our id, no tab, another URL)', { id: ID, url: `chrome-extension://${ID}/popup.html` }, false],
    ['the options page in a tab', { id: ID, tab: { id: 4 }, url: `chrome-extension://${ID}/options.html` }, false],
    ['another extension', { id: 'zyxwvutsrqponmlkzyxwvutsrqponmlk', url: WORKER }, false],
  ])('%s → %s', (_label, sender, ok) => {
    expect(fromBackground(sender, ID, WORKER)).toBe(ok);
  });
});

describe('copyInDocument', () => {
  /** Just enough of a Document: a body that records textareas, and execCommand. */
  function fakeDocument(execResult: boolean | Error) {
    const log: string[] = [];
    const body = { children: [] as unknown[], append: (el: unknown) => body.children.push(el) };
    const doc = {
      body,
      log,
      createElement: (tag: string) => {
        const el = {
          tag,
          value: '',
          select: () => log.push(`select:${el.value}`),
          remove: () => {
            body.children.splice(body.children.indexOf(el), 1);
            log.push('remove');
          },
        };
        return el;
      },
      execCommand: (command: string) => {
        log.push(`exec:${command}:${body.children.length}`);
        if (execResult instanceof Error) throw execResult;
        return execResult;
      },
    };
    return doc;
  }

  it.each([true, false])('returns execCommand("copy") = %s and removes the textarea', (result) => {
    const doc = fakeDocument(result);
    expect(copyInDocument(LINK, doc as unknown as Document)).toBe(result);
    expect(doc.log).toEqual([`select:${LINK}`, 'exec:copy:1', 'remove']);
    expect(doc.body.children).toHaveLength(0);
  });

  it('removes the textarea even when execCommand throws', () => {
    const doc = fakeDocument(new Error('not allowed'));
    expect(() => copyInDocument(LINK, doc as unknown as Document)).toThrow('not allowed');
    expect(doc.body.children).toHaveLength(0);
  });
});
