import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN, APPSTLE_KEY, addAgent, call, mockProvider, setStore, signIn } from './helpers';

/** Everything the relay prints while a whole session runs: sign-in, rotation, links, refusals, admin. */
describe('no key, link or token in any response body or log line', () => {
  const logged: string[] = [];
  beforeEach(() => {
    logged.length = 0;
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it('holds over a full session, including failures', async () => {
    let replies = 0;
    mockProvider(() => {
      replies++;
      if (replies === 3) return { status: 401, body: { message: `bad key ${APPSTLE_KEY}` } };
      if (replies === 4) return { status: 500, body: { error: 'boom' } };
      return undefined as never;
    });
    const bodies: string[] = [];
    const keep = async (p: ReturnType<typeof call>) => {
      const r = await p;
      bodies.push(r.text);
      return r;
    };
    const secrets: string[] = [APPSTLE_KEY];
    bodies.push((await setStore('acme')).text);
    const code = await addAgent('ana@acme.test');
    // The responses that hand tokens and links to the agent who asked are the only ones allowed to hold them.
    const enrolled = await call('/v1/enroll', { body: { code } });
    const { accessToken, refreshToken } = enrolled.json;
    const rotated = await call('/v1/token', { body: { refreshToken } });
    expect(rotated.text).not.toContain(refreshToken);
    secrets.push(accessToken, refreshToken, rotated.json.accessToken, rotated.json.refreshToken, code);
    const token = rotated.json.accessToken;
    const body = { storeId: 'acme', customer: { email: 'carla@example.com' }, action: 'copy' };
    const links: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call('/v1/links', { token, body });
      if (r.json.url) links.push(r.json.url);
      else bodies.push(r.text);
    }
    expect(links.length).toBeGreaterThanOrEqual(2);
    secrets.push(...links, ...links.map((l) => new URL(l).searchParams.get('token') ?? l));
    await keep(call('/v1/stores', { token }));
    // Presented again at once: the same pair, to the holder of the token it replaced (its lost answer).
    const again = await call('/v1/token', { body: { refreshToken } });
    expect(again.json.refreshToken).toBe(rotated.json.refreshToken);
    await keep(call('/admin/agents', { headers: ADMIN }));
    await keep(call('/v1/token', { body: { refreshToken } })); // reuse again → every session ends
    await keep(call('/v1/links', { token, body }));
    await keep(call('/admin/audit?format=csv', { headers: ADMIN }));
    await keep(call('/admin/audit', { headers: ADMIN }));
    await keep(call('/admin/stores', { headers: ADMIN }));
    const bob = await signIn('bob@acme.test');
    secrets.push(bob.accessToken, bob.refreshToken);
    await keep(call('/v1/signout', { token: bob.accessToken, body: { refreshToken: bob.refreshToken } }));
    await keep(call('/v1/token', { body: { refreshToken: bob.refreshToken } }));

    expect(logged.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      for (const text of [...bodies, ...logged]) expect(text).not.toContain(secret);
    }
  });
});
