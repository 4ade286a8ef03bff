/**
 * Firefox keeps no context-menu items for an MV2 extension across a browser restart, and
 * runtime.onInstalled does not fire then: the background creates them at every start. Here the
 * build is installed in a real profile (as a user's install is), Firefox ESR is started, closed and
 * started again on the same profile, and the items are there after the restart.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../fixtures/mock-server';
import { type FirefoxHarness, launchFirefox, profileWithAddon } from './support/firefox';

let server: MockServer;
let profile: string;
let firefox: FirefoxHarness | undefined;

beforeAll(async () => {
  server = await startMockServer();
  profile = profileWithAddon();
});

afterAll(async () => {
  await firefox?.close();
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
});

// The three items the background creates (lib/background/context-menu.ts), written out: the test checks the product.
const MENU_IDS = ['copy-portal-link-selection', 'copy-portal-link-mailto', 'email-portal-link-selection'];

/**
 * Which of `ids` exist as menu items: Firefox refuses to create an item whose id exists ("ID already
 * exists"), so each is probed by creating it; one that gets created was missing (and is removed again).
 */
function existingMenus(harness: FirefoxHarness, ids: string[]) {
  return harness.inBackground(
    (ids: string[]) =>
      Promise.all(
        ids.map(
          (id) =>
            new Promise<string | undefined>((resolve) => {
              browser.contextMenus.create({ id, title: 'probe', contexts: ['selection'] }, () => {
                const error = browser.runtime.lastError?.message ?? '';
                if (/already exists/i.test(error)) resolve(id);
                else void browser.contextMenus.remove(id).then(() => resolve(undefined));
              });
            }),
        ),
      ).then((found) => found.filter((id): id is string => id !== undefined)),
    ids,
  );
}

describe('Firefox ESR: context menus after a browser restart', () => {
  it('are there on first start and again after restarting with the same profile', async () => {
    firefox = await launchFirefox(server, { profile });
    await expect.poll(() => existingMenus(firefox as FirefoxHarness, MENU_IDS), { timeout: 10_000 }).toEqual(MENU_IDS);
    // The probe tells a missing item from a present one.
    expect(await existingMenus(firefox, ['portal-link-probe-never-created'])).toEqual([]);
    await firefox.close();
    firefox = undefined;

    firefox = await launchFirefox(server, { profile });
    await expect.poll(() => existingMenus(firefox as FirefoxHarness, MENU_IDS), { timeout: 10_000 }).toEqual(MENU_IDS);
  }, 120_000); // two Firefox starts: about 25 s alone, far more next to other e2e files
});
