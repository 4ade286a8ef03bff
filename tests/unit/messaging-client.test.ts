import { generateChromeMessagesText, parseMessagesFile } from '@wxt-dev/i18n/build';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { sendRequest } from '../../lib/shared/messaging-client';
import { englishMessage } from './setup-i18n';

describe('sendRequest when the background is gone', () => {
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
    const reply = await sendRequest({ type: 'get-settings' });
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: spanish.errors_interrupted?.message } });
    expect(reply.ok || reply.error.message).toMatch(/^Portal Link se interrumpió/);
  });

  it('an empty reply (no listener answered) is the same error', async () => {
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined);
    const reply = await sendRequest({ type: 'get-settings' });
    expect(reply.ok || reply.error.message).toMatch(/^Portal Link was interrupted/);
  });
});
