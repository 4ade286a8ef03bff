/**
 * Rows "main thread", mutation burst: 10,000 mutations in a hidden tab's conversation (ticket 101, mounted
 * but not shown, as Zendesk keeps tabs), extension on vs off: no rendering in the way, so the observers'
 * cost is what differs.
 */
import type { BrowserContext } from 'playwright-core';
import type { Harness } from '../tests/e2e/support/extension';
import { inlineButton } from '../tests/e2e/support/helpdesk';
import { mutationBurstCost } from '../tests/e2e/support/measure';
import { BUDGET, RUNS } from './budget';
import { check, r2, rows } from './report';
import { summarize } from './stats';
import { ticketUrl } from './tickets';

const section = 'main thread';

export async function mutationBurst(harness: Harness, plain: { context: BrowserContext }): Promise<void> {
  const withPage = await harness.context.newPage();
  await withPage.goto(ticketUrl(106));
  await inlineButton(withPage).waitFor();
  const withoutPage = await plain.context.newPage();
  await withoutPage.goto(ticketUrl(106));
  const log = '[data-side-conversations-anchor-id="101"] [data-test-id="omni-log-container"]';
  await withoutPage.locator(log).waitFor({ state: 'attached' });
  await mutationBurstCost(withPage, log); // warm-up
  await mutationBurstCost(withoutPage, log);
  const burst = {
    with: { script: [] as number[], total: [] as number[], long: [] as number[] },
    without: { script: [] as number[], total: [] as number[], long: [] as number[] },
  };
  for (let i = 0; i < RUNS; i++) {
    for (const side of i % 2 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
      const cost = await mutationBurstCost(side === 'with' ? withPage : withoutPage, log);
      burst[side].script.push(cost.scriptMs);
      burst[side].total.push(cost.totalMs);
      burst[side].long.push(cost.longTasks);
    }
  }
  if ((await inlineButton(withPage).count()) !== 1) throw new Error('the inline button did not survive the bursts');
  await withPage.close();
  await withoutPage.close();
  const s = {
    scriptWith: summarize(burst.with.script),
    scriptWithout: summarize(burst.without.script),
    totalWith: summarize(burst.with.total),
    totalWithout: summarize(burst.without.total),
    longWith: summarize(burst.with.long),
    longWithout: summarize(burst.without.long),
  };
  const extraScript = r2(s.scriptWith.median - s.scriptWithout.median);
  const extraTotal = r2(s.totalWith.median - s.totalWithout.median);
  const scriptOk = check(
    "burst: the extension's observer work stays far from a long task",
    extraScript < BUDGET.longTaskMs,
    `+${extraScript} ms script (median with − without)`,
  );
  const burstLongOk = check(
    'no long task caused by the extension (burst)',
    s.longWith.median - s.longWithout.median <= 0,
    `median long tasks with ${s.longWith.median}, without ${s.longWithout.median}`,
  );
  rows.push({
    section,
    metric: '10k-mutation burst: script + observers, with ext',
    unit: 'ms',
    stats: s.scriptWith,
  });
  rows.push({
    section,
    metric: '10k-mutation burst: script + observers, without',
    unit: 'ms',
    stats: s.scriptWithout,
  });
  rows.push({
    section,
    metric: '10k-mutation burst: main thread incl. render, with ext',
    unit: 'ms',
    stats: s.totalWith,
  });
  rows.push({
    section,
    metric: '10k-mutation burst: main thread incl. render, without',
    unit: 'ms',
    stats: s.totalWithout,
  });
  rows.push({
    section,
    metric: 'burst: extension script cost (median diff)',
    unit: 'ms',
    value: extraScript,
    budget: '< 50',
    ok: scriptOk,
  });
  rows.push({ section, metric: 'burst: extension main-thread cost (median diff)', unit: 'ms', value: extraTotal });
  rows.push({
    section,
    metric: 'burst: long tasks with / without (medians)',
    unit: 'count',
    value: s.longWith.median - s.longWithout.median,
    budget: '≤ 0 extra',
    ok: burstLongOk,
  });
}
