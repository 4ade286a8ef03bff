/** The bench's table: its rows, its budget checks, each phase's duration; printed and written at the end. */
import { writeFileSync } from 'node:fs';
import { RUNS } from './budget';
import { type Summary, summarize } from './stats';

export const median = (values: number[]) => summarize(values).median;
export const r2 = (n: number) => Math.round(n * 100) / 100;

export interface Row {
  section: string;
  metric: string;
  unit: 'B' | 'ms' | '×' | 'count';
  /** A single value (sizes, differences of medians, ratios). */
  value?: number;
  stats?: Summary;
  budget?: string;
  ok?: boolean;
}
export const rows: Row[] = [];
export const checks: { name: string; ok: boolean; detail: string }[] = [];
export const timings: Record<string, number> = {};

export function check(name: string, ok: boolean, detail: string): boolean {
  checks.push({ name, ok, detail });
  return ok;
}

export async function timed<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await body();
  } finally {
    timings[name] = Date.now() - started;
  }
}

/** Prints the table and the checks, writes bench/results.json; returns the checks missed. */
export function report(): { name: string; ok: boolean; detail: string }[] {
  const table = rows.map((r) => ({
    section: r.section,
    metric: r.metric,
    median: r.stats?.median ?? r.value,
    p95: r.stats?.p95 ?? '',
    min: r.stats?.min ?? '',
    max: r.stats?.max ?? '',
    unit: r.unit,
    budget: r.budget ?? '',
    ok: r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
  }));
  console.log(markdown(table));
  const missed = checks.filter((c) => !c.ok);
  console.log(
    `\n${checks.length - missed.length}/${checks.length} budget checks met${missed.length ? `; MISSED: ${missed.map((c) => `${c.name} (${c.detail})`).join('; ')}` : ''}`,
  );
  console.log(
    `runs per figure: ${RUNS}; phase durations (s): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, r2(v / 1000)])))}`,
  );
  writeFileSync(
    'bench/results.json',
    `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, budgetsMet: missed.length === 0, checks, rows, phaseMs: timings }, null, 2)}\n`,
  );
  return missed;
}

function markdown(table: Record<string, unknown>[]): string {
  const head = Object.keys(table[0] ?? {});
  const line = (cells: unknown[]) => `| ${cells.map((c) => String(c ?? '')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...table.map((row) => line(head.map((h) => row[h])))].join('\n');
}
