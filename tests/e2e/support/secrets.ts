/**
 * "No secret in any log": API keys, and anything shaped like an issued portal link or
 * token, must never appear in a console line of any context the harness watched.
 */
import { afterAll, expect } from 'vitest';
import { APPSTLE_KEY, GIGSTACK_KEY } from '../../fixtures/mock-providers';
import type { MockServer } from '../../fixtures/mock-server';
import type { Harness } from './extension';

/** What an issued link or token looks like from the mocks: Appstle's JWT, a gigstack session. */
const ISSUED = [
  /customer_portal\?token=/,
  /eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\./, // the Appstle mock's JWT header
  /portal\.gigstack\.io\/session\//,
  /\bps_[A-Za-z0-9]+_\d{10,}/,
];

export function leakedSecrets(lines: readonly string[], extra: readonly string[] = []): string[] {
  const literal = [APPSTLE_KEY, GIGSTACK_KEY, ...extra.filter((s) => s.length >= 8)];
  return lines.filter((line) => literal.some((secret) => line.includes(secret)) || ISSUED.some((re) => re.test(line)));
}

/** Fails with the offending lines when a key, or a link/token (also `extra`, e.g. links read from the clipboard), was logged. */
export function expectNoSecretsLogged(harness: Pick<Harness, 'logs'>, extra: readonly string[] = []): void {
  const lines = harness.logs.map((l) => `${l.where} ${l.type} ${l.url ?? ''}: ${l.text}`);
  expect(leakedSecrets(lines, extra)).toEqual([]);
}

/** The end of every e2e file: check its whole run's logs for secrets, then close the browser and the mocks. */
export function finishAfterAll(get: () => { harness?: Harness; server?: MockServer }): void {
  afterAll(async () => {
    const { harness, server } = get();
    try {
      if (harness) expectNoSecretsLogged(harness);
    } finally {
      await harness?.close();
      await server?.close();
    }
  });
}
