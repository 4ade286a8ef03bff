/**
 * The README's quick start is a contract: `npm run demo` must show the extension working on a fresh
 * machine. This runs the demo script itself (headless, on the production build the e2e run has just
 * made) in both languages and checks what it prints: the customer-named toast and two copied links.
 */
import { expect, it } from 'vitest';
import { spawnWithOutput } from './support/process';

function runDemo(language: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const { DISPLAY: _display, ...env } = process.env;
    const { child, output } = spawnWithOutput('node_modules/.bin/tsx', ['scripts/demo.ts'], {
      env: { ...env, DEMO_LANGUAGE: language },
    });
    child.on('close', (code) => resolve({ code, output: output() }));
  });
}

it.each(['en', 'es'])(
  'npm run demo (%s): the in-page copy names the customer, then the popup copies',
  async (language) => {
    const { code, output } = await runDemo(language);
    expect(output).toMatch(/toast: +\S.*jane@example\.com/);
    expect(output.match(/clipboard: https:\/\/\S+/g)).toHaveLength(2);
    expect(code).toBe(0);
  },
  90_000,
);
