/**
 * `npm run demo`: Portal Link working end to end with no API key. The production build in Chromium
 * (headed when there is a display), every production host name mapped to a local HTTPS server that
 * plays Zendesk and Appstle (the e2e fixtures), one inline copy on a Zendesk ticket and one from the
 * popup; prints the copied links and saves screenshots to .output/demo/.
 * DEMO_LANGUAGE=es shows it in Spanish.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchExtension, PRODUCTION_BUILD } from '../tests/e2e/support/extension';
import { appstleStore } from '../tests/e2e/support/settings';
import { inPageButton, toastRegion } from '../tests/e2e/support/shadow';
import { mockZendesk, ZENDESK_HOST } from '../tests/fixtures/helpdesk/zendesk';
import { mockAppstle } from '../tests/fixtures/mock-providers';
import { startMockServer } from '../tests/fixtures/mock-server';

const OUT = resolve('.output/demo');
const language = process.env.DEMO_LANGUAGE ?? 'en';
const headless = !process.env.DISPLAY;
const SIZE = { width: 1280, height: 800 };

async function main() {
  mkdirSync(OUT, { recursive: true });
  const server = await startMockServer();
  mockAppstle(server);
  mockZendesk(server);
  console.log(`Local fixtures on https://127.0.0.1:${server.port} (Zendesk: ${ZENDESK_HOST}, Appstle: mock API)`);
  const harness = await launchExtension(server, { language, headless });
  console.log(
    `Chromium ${headless ? 'headless (no DISPLAY)' : 'headed'} with ${PRODUCTION_BUILD}, language ${language}`,
  );
  try {
    // What the options page saves: one Appstle store with a demo key, used on acme.zendesk.com.
    await harness.setSettings({ stores: [appstleStore({ helpdeskHosts: [ZENDESK_HOST] })], defaultStoreId: 'store-a' });

    const ticket = await harness.context.newPage();
    await ticket.setViewportSize(SIZE);
    await ticket.goto(`https://${ZENDESK_HOST}/agent/tickets/101`);
    // The button's shadow root is closed to the page: found and clicked as the e2e tests do.
    const label = buttonLabel(language);
    const button = inPageButton(ticket, label);
    await button.waitFor();
    console.log(`\n1. Zendesk ticket #101: clicking "${label}"`);
    await button.click();
    // The toast's shadow root is closed: read in the content script's world (tests/e2e/support/shadow.ts).
    const toast = toastRegion(ticket, 'status');
    let said: string | null = null;
    for (let i = 0; i < 100 && !said; i++) {
      said = await toast.textContent();
      if (!said) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(`   toast:     ${said}`);
    await ticket.screenshot({ path: `${OUT}/1-zendesk-inline.png` });
    console.log(`   clipboard: ${await harness.readClipboard()}`);

    const popup = await harness.open('popup.html');
    await popup.setViewportSize(SIZE);
    console.log('\n2. Popup: typing bob.requester@example.org');
    await popup.locator('#customer').fill('bob.requester@example.org');
    await popup.locator('button[type="submit"]').click();
    const status = popup.getByRole('status');
    await status.filter({ hasText: /https:/ }).waitFor();
    console.log(`   status:    ${(await status.locator('strong').textContent()) ?? ''}`);
    await popup.screenshot({ path: `${OUT}/2-popup.png` });
    console.log(`   clipboard: ${await harness.readClipboard()}`);

    console.log(`\nScreenshots: ${OUT}/1-zendesk-inline.png, ${OUT}/2-popup.png`);
    if (!headless) await new Promise((r) => setTimeout(r, 5_000)); // a moment to look before closing
  } finally {
    await harness.close();
    await server.close();
  }
}

/** The in-page button's name in the demo's language, as the extension's own words file has it. */
function buttonLabel(lang: string): string {
  const words = readFileSync(new URL(`../locales/${lang}.yml`, import.meta.url), 'utf8');
  const label = /^content:\n(?: {2}.*\n)*? {2}button: (.+)$/m.exec(words)?.[1];
  if (!label) throw new Error(`locales/${lang}.yml has no content.button`);
  return label.trim();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
