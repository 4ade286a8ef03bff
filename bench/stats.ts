export interface Summary {
  median: number;
  p95: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))] ?? NaN;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    median: round(at(0.5)),
    p95: round(at(0.95)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
    runs: sorted.length,
  };
}

export async function sample(runs: number, measure: (i: number) => Promise<number>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await measure(i));
  return summarize(samples);
}

/**
 * "Grows at most linearly": going from n1 to n2 = factor × n1 items, the time may grow by at most
 * factor × slack. Times under `floorMs` count as the floor, so timer noise on tiny times (page
 * clocks are coarsened to ~0.1 ms) can't fail it.
 */
export function linearGrowth(
  smallMs: number,
  largeMs: number,
  factor: number,
  slack: number,
  floorMs: number,
): { ok: boolean; ratio: number; limitMs: number } {
  const base = Math.max(smallMs, floorMs);
  const limitMs = factor * slack * base;
  return { ok: largeMs <= limitMs, ratio: largeMs / base, limitMs };
}
