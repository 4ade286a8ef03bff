import { describe, expect, it } from 'vitest';
import { scriptCost, type TraceEvent } from '../../bench/trace';

const EXT = 'chrome-extension://abc';
const PAGE = 'https://acme.zendesk.com';
const ours = `${EXT}/content-scripts/zendesk.js`;
const X = (name: string, ts: number, dur: number, tdur: number, url?: string, pid = 1): TraceEvent => ({
  name,
  ph: 'X',
  pid,
  tid: 1,
  ts,
  dur,
  tdur,
  args: { data: { url } },
});

describe("bench/trace.ts: the content script's own cost from a trace", () => {
  it('counts top-level events from our content scripts once, as CPU time, and nothing else', () => {
    const cost = scriptCost(
      [
        X('EvaluateScript', 0, 9000, 6000, ours),
        X('v8.compile', 100, 2000, 2000, ours), // inside the evaluation: not again
        X('FunctionCall', 20_000, 5000, 3000, ours),
        X('FunctionCall', 30_000, 50_000, 40_000, `${PAGE}/app.js`), // the page's own
        X('FunctionCall', 90_000, 4000, 4000, `${EXT}/popup.js`), // ours, but not a content script
      ],
      EXT,
      PAGE,
    );
    expect(cost.scriptMs).toBe(9);
  });

  it('layouts whose stack names a content script count as forced by it', () => {
    const layout = (url: string): TraceEvent => ({
      ...X('Layout', 0, 3000, 2500),
      args: { beginData: { stackTrace: [{ url }] } },
    });
    expect(scriptCost([layout(ours), layout(`${PAGE}/app.js`)], EXT, PAGE).forcedLayoutMs).toBe(2.5);
  });
});
