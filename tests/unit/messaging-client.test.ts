import { generateChromeMessagesText, parseMessagesFile } from '@wxt-dev/i18n/build';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { portSender, send } from '../../lib/shared/messaging-client';
import { englishMessage } from './setup-i18n';

describe('send when the background is gone', () => {
  afterEach(() => {
    Object.assign(fakeBrowser.i18n, { getMessage: englishMessage });
  });

  it('answers an error in the browser’s language, not a fixed English sentence', async () => {
    const spanish = JSON.parse(generateChromeMessagesText(await parseMessagesFile('locales/es.yml'))) as Record<
      string,
      { message: string }
    >;
    Object.assign(fakeBrowser.i18n, { getMessage: (name: string) => spanish[name]?.message ?? '' });
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValue(new Error('Receiving end does not exist.'));
    const reply = await send('get-settings');
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: spanish.errors_interrupted?.message } });
    expect(reply.ok || reply.error.message).toMatch(/^Portal Link se interrumpió/);
  });

  it('an empty reply (no listener answered) is the same error', async () => {
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined);
    const reply = await send('get-settings');
    expect(reply.ok || reply.error.message).toMatch(/^Portal Link was interrupted/);
  });
});

/** A runtime.Port double: what was posted, and the background's side to answer or hang up. */
function fakePort() {
  const messageListeners: ((message: unknown) => void)[] = [];
  const disconnectListeners: (() => void)[] = [];
  const posted: { id: number; message: unknown }[] = [];
  const port = {
    name: 'portal-link',
    onMessage: { addListener: (l: (message: unknown) => void) => messageListeners.push(l) },
    onDisconnect: { addListener: (l: () => void) => disconnectListeners.push(l) },
    postMessage: (m: { id: number; message: unknown }) => posted.push(m),
    disconnect: vi.fn(),
  };
  return {
    port,
    posted,
    answer: (id: number, reply: unknown) => {
      for (const l of messageListeners) l({ id, reply });
    },
    hangUp: () => {
      for (const l of disconnectListeners) l();
    },
  };
}

describe('portSender (content scripts)', () => {
  it('one port for every request; each reply reaches its own request', async () => {
    const fake = fakePort();
    const connect = vi.fn(() => fake.port as unknown as Browser.runtime.Port);
    const sender = portSender(connect);
    const actions = sender.send('get-actions');
    const link = sender.send('copy-link', { customer: { email: 'jane@example.com' } });
    expect(fake.posted.map((p) => p.message)).toEqual([
      { type: 'get-actions' },
      { type: 'copy-link', customer: { email: 'jane@example.com' } },
    ]);
    const [first, second] = fake.posted;
    fake.answer(second?.id ?? -1, { ok: true, url: 'https://x.example/p', expiresAt: 1, cached: false });
    fake.answer(first?.id ?? -1, { ok: true, canEmail: true });
    expect(await actions).toEqual({ ok: true, canEmail: true });
    expect(await link).toMatchObject({ ok: true, url: 'https://x.example/p' });
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('the worker stopping answers what was in flight "interrupted" (never resent), and the next request reconnects', async () => {
    const [a, b] = [fakePort(), fakePort()];
    const connect = vi.fn().mockReturnValueOnce(a.port).mockReturnValueOnce(b.port);
    const sender = portSender(connect);
    const emailed = sender.send('email-link', { customer: { email: 'jane@example.com' } });
    a.hangUp();
    expect(await emailed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(a.posted).toHaveLength(1);
    const again = sender.send('get-actions');
    b.answer(b.posted[0]?.id ?? -1, { ok: true, canEmail: false });
    expect(await again).toEqual({ ok: true, canEmail: false });
    expect(connect).toHaveBeenCalledTimes(2);
  });

  it('an orphaned script (connect throws) gets the same error, not an exception', async () => {
    const sender = portSender(() => {
      throw new Error('Extension context invalidated.');
    });
    expect(await sender.send('get-actions')).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
