/**
 * `npm run bench`: the production build in real Chromium against the local fixtures and mocks.
 * Prints a table, writes bench/results.json, and with --check (BENCH_CHECK=1) fails when a
 * budget (docs/benchmarks.md) is missed. Every figure is the median of several runs (min/max kept), after a
 * warm-up; budgets are compared on medians, and "caused by the extension" on with-vs-without pairs
 * measured in the same run, alternating, so a busy shared machine moves both sides alike.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, launchExtension, PRODUCTION_BUILD } from '../tests/e2e/support/extension';
import { appstleStore } from '../tests/e2e/support/settings';
import { mockZendesk } from '../tests/fixtures/helpdesk/zendesk';
import { mockAppstle } from '../tests/fixtures/mock-providers';
import { type MockServer, startMockServer } from '../tests/fixtures/mock-server';
import { CHECK } from './budget';
import { measureClick } from './click';
import { measureDetection } from './detection';
import { measureMainThread } from './main-thread';
import { measurePopup } from './popup';
import { withReferencePage } from './reference-page';
import { check, report, rows, timed } from './report';
import { inPageSizes, popupJsSize, sizeLines } from './sizes';
import { addBenchTickets } from './tickets';

/** The build measured: the production build, or BENCH_BUILD (a copy of another variant, for A/B runs). */
const BUILD = process.env.BENCH_BUILD ?? PRODUCTION_BUILD;

let server: MockServer;
let harness: Harness;
let benchBuild: string | undefined;

beforeAll(async () => {
  addBenchTickets();
  server = await startMockServer();
  mockAppstle(server);
  mockZendesk(server);
  // The production build, plus the popup's reference page beside it (bench/reference-page.ts).
  benchBuild = await withReferencePage(BUILD);
  // No CDP console watching: the browser without the extension has none either.
  harness = await launchExtension(server, { build: benchBuild, watchWorlds: false });
  await harness.setSettings({ stores: [appstleStore()] });
});

afterAll(async () => {
  await harness?.close();
  await server?.close();
  if (benchBuild) rmSync(benchBuild, { recursive: true, force: true });
});
it('1. gzip sizes', () => {
  const sizes = inPageSizes(BUILD);
  for (const line of sizeLines(sizes)) console.log(`size: ${line}`);
  for (const { file, gzipBytes, budget } of sizes) {
    const ok = check(`${file} ≤ ${budget} B gzip`, gzipBytes <= budget, `${gzipBytes} B`);
    rows.push({ section: 'size', metric: file, unit: 'B', value: gzipBytes, budget: `≤ ${budget}`, ok });
  }
  rows.push({ section: 'size', metric: 'popup JS (entry + chunks)', unit: 'B', value: popupJsSize(BUILD) });
});

it('2. detection time by ticket size, API path and page fallback', () =>
  timed('detection', () => measureDetection(harness)));

it('3. main thread: 10,000-mutation burst and long tasks during a 5,000-comment ticket load, ours vs a control extension vs none', () =>
  timed('main thread', () => measureMainThread(server, harness, BUILD)));

it('4. inline click → clipboard (uncached next to the raw round trip; cached)', () =>
  timed('click → clipboard', () => measureClick(harness)));

it('5. popup open → interactive, and usable on a ticket; worker cold start → first link', () =>
  timed('popup + cold start', () => measurePopup(harness)));

it('report', () => {
  const missed = report();
  if (CHECK) expect(missed.map((c) => `${c.name}: ${c.detail}`)).toEqual([]);
});
