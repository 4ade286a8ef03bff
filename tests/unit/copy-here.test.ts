import { describe, expect, it, vi } from 'vitest';
import { canCopyHere, requestCopy } from '../../lib/shared/copy-here';
import type { CopyResult, Reply } from '../../lib/shared/protocol';
import { sendVia } from './helpers';

const RESULT: CopyResult = {
  url: 'https://shop.example/portal?token=t',
  expiresAt: 1,
  cached: false,
  customer: 'jane@example.com',
};
const FIELDS = { customer: 'jane@example.com' } as const;
const REQUEST = { type: 'copy-link', ...FIELDS } as const;

/** A document as copy-here sees it: focus, the click's activation, and an async clipboard. */
function fakeDoc(options: { focus?: boolean; active?: boolean; write?: () => Promise<void> } = {}) {
  const writes: string[] = [];
  const writeText = vi.fn(async (text: string) => {
    await options.write?.();
    writes.push(text);
  });
  const doc = {
    hasFocus: () => options.focus ?? true,
    defaultView: { navigator: { userActivation: { isActive: options.active ?? true }, clipboard: { writeText } } },
  } as unknown as Document;
  return { doc, writes };
}

function background(reply: Reply<CopyResult> = { ok: true, ...RESULT }) {
  const sent: unknown[] = [];
  const send = vi.fn(async (request: unknown) => {
    sent.push(request);
    return reply;
  });
  return { send, sent };
}

describe('requestCopy', () => {
  it('a focused document with the agent’s click writes the link itself; the background only issues it', async () => {
    const { doc, writes } = fakeDoc();
    const { send, sent } = background();
    expect(await requestCopy(sendVia(send), FIELDS, doc)).toMatchObject({ ok: true, url: RESULT.url });
    expect(sent).toEqual([{ ...REQUEST, copyHere: true }]);
    expect(writes).toEqual([RESULT.url]);
  });

  it.each([
    ['not focused', { focus: false }],
    ['no activation (the shortcut, a scripted call)', { active: false }],
  ])('%s: the background writes', async (_label, options) => {
    const { doc, writes } = fakeDoc(options);
    const { send, sent } = background();
    await requestCopy(sendVia(send), FIELDS, doc);
    expect(sent).toEqual([REQUEST]);
    expect(writes).toEqual([]);
    expect(canCopyHere(doc)).toBe(false);
  });

  it('a write the page refuses is asked of the background (the same link, from its cache)', async () => {
    const { doc } = fakeDoc({
      write: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')),
    });
    const { send, sent } = background();
    expect(await requestCopy(sendVia(send), FIELDS, doc)).toMatchObject({ ok: true });
    expect(sent).toEqual([{ ...REQUEST, copyHere: true }, REQUEST]);
  });

  it('an error reply is passed on, nothing written', async () => {
    const { doc, writes } = fakeDoc();
    const failure: Reply<CopyResult> = { ok: false, error: { code: 'no-store', message: 'No store' } };
    const { send } = background(failure);
    expect(await requestCopy(sendVia(send), FIELDS, doc)).toEqual(failure);
    expect(writes).toEqual([]);
  });
});
