/** The relay serves a Stay AI store through the shared provider core, as the docs describe the API. */
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, audit, call, setStore, signIn } from './helpers';

const STAYAI_KEY = 'stayai-relay-key-5d1f0a77';
const PORTAL = 'https://acme-goods.com/pages/subscriptions?token=st_42';

/** Stay AI's generate-portal-link: POST, X-RETEXTION-ACCESS-TOKEN, `{email}` or `{phone}`; the link as text/plain. */
function mockStayai() {
  const seen: { url: URL; init: RequestInit | undefined }[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.push({ url, init });
    return new Response(PORTAL, { status: 200, headers: { 'content-type': 'text/plain' } });
  });
  return seen;
}

const stayaiStore = { provider: 'stayai', apiKey: STAYAI_KEY, storeDomain: undefined };
const link = (customer: Record<string, string>, action = 'copy') => ({ storeId: 'stay', customer, action });

describe('a Stay AI store on the relay', () => {
  it('is listed among the providers the admin CLI reads, with no fields of its own', async () => {
    const r = await call('/admin/providers', { headers: ADMIN });
    expect(r.json.providers).toContainEqual({ id: 'stayai', label: 'Stay AI', fields: [] });
  });

  it('mints a link by email and by phone, with the key only in Stay AI’s header', async () => {
    const seen = mockStayai();
    await setStore('stay', stayaiStore);
    const ana = await signIn('ana@acme.test');
    const byEmail = await call('/v1/links', { token: ana.accessToken, body: link({ email: ' jane@example.com ' }) });
    expect(byEmail.status).toBe(200);
    expect(byEmail.json.url).toBe(PORTAL);
    const byPhone = await call('/v1/links', { token: ana.accessToken, body: link({ id: '+1 (555) 010-0199' }) });
    expect(byPhone.status).toBe(200);
    expect(seen.map((s) => s.url.href)).toEqual([
      'https://api.retextion.com/api/v2/subscriptions/generate-portal-link',
      'https://api.retextion.com/api/v2/subscriptions/generate-portal-link',
    ]);
    expect(seen.map((s) => JSON.parse(String(s.init?.body)))).toEqual([
      { email: 'jane@example.com' },
      { phone: '+15550100199' },
    ]);
    for (const s of seen) {
      expect(s.init?.method).toBe('POST');
      expect(new Headers(s.init?.headers).get('x-retextion-access-token')).toBe(STAYAI_KEY);
    }
    expect(JSON.stringify(await audit())).not.toContain(STAYAI_KEY);
  });

  it('refuses what Stay AI cannot do: an id that is no phone, and the email action', async () => {
    mockStayai();
    await setStore('stay', stayaiStore);
    const ana = await signIn('ana@acme.test');
    const notPhone = await call('/v1/links', { token: ana.accessToken, body: link({ id: '12345' }) });
    expect(notPhone.json.error.code).toBe('invalid-customer');
    const email = await call('/v1/links', {
      token: ana.accessToken,
      body: link({ email: 'jane@example.com' }, 'email'),
    });
    expect(email.json.error.code).toBe('email-unsupported');
  });
});
