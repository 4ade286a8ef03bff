/**
 * A Chromium trace (CDP Tracing) around a page load, reduced to what the extension's content scripts
 * cost on the page's main thread: script run from their files (evaluation, compilation, callbacks)
 * and the layouts they force; plus which renderer threads ran at all, to tell the browser's own UI
 * apart from the page.
 */
import type { Page } from 'playwright-core';

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: unlike `dur`, not inflated while the thread waits for a core. */
  tdur?: number;
  args?: {
    name?: string;
    data?: { url?: string; stackTrace?: { url?: string }[] };
    beginData?: { url?: string; stackTrace?: { url?: string }[] };
  };
}

export interface ScriptCost {
  /** Top-level script events from the content scripts' files (nested ones not counted twice), CPU ms. */
  scriptMs: number;
  /** Layouts whose stack names a content script (forced by it), ms. */
  forcedLayoutMs: number;
  /** Main-thread CPU of renderer processes other than the page's and the extension's, by thread name, ms. */
  otherRenderers: Record<string, number>;
}

const SCRIPT_EVENTS = new Set(['EvaluateScript', 'FunctionCall', 'v8.compile', 'v8.compileModule', 'TimerFire']);

export async function traceLoad(
  page: Page,
  extensionOrigin: string,
  load: () => Promise<void>,
  keep?: (events: TraceEvent[]) => void,
): Promise<ScriptCost> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: {
      includedCategories: [
        'toplevel',
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'v8.execute',
        '__metadata',
      ],
    },
  });
  await load();
  const complete = new Promise<{ stream?: string }>((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream as string });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream as string });
  await cdp.detach();
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  keep?.(events);
  return scriptCost(events, extensionOrigin, new URL(page.url()).origin);
}

/** What `traceLoad` reports, from the trace's events (pure, for testing the reduction). */
export function scriptCost(events: TraceEvent[], extensionOrigin: string, pageOrigin: string): ScriptCost {
  const ours = (url?: string) => !!url?.startsWith(`${extensionOrigin}/content-scripts/`);
  const scripts = events
    .filter((e) => e.ph === 'X' && SCRIPT_EVENTS.has(e.name) && ours(e.args?.data?.url))
    .sort((a, b) => a.ts - b.ts);
  // Top-level events only (one nested in another is part of it), summed as CPU time: on a busy
  // machine wall time also holds the time the page's thread waited for a core.
  let scriptUs = 0;
  const ends = new Map<string, number>(); // per thread: where the last counted event ends
  for (const e of scripts) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ts < (ends.get(thread) ?? -1)) continue; // nested in one already counted
    scriptUs += e.tdur ?? e.dur ?? 0;
    ends.set(thread, e.ts + (e.dur ?? 0));
  }
  const forcedUs = events
    .filter((e) => e.name === 'Layout' && e.ph === 'X')
    .filter((e) => (e.args?.beginData?.stackTrace ?? []).some((frame) => ours(frame.url)))
    .reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0), 0);
  // Thread names, then the renderers that are neither the page's (it ran our script) nor the extension's.
  const threadName = new Map<string, string>();
  const processName = new Map<number, string>();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
    if (e.name === 'process_labels' || e.name === 'process_name') {
      processName.set(e.pid, [processName.get(e.pid), e.args?.name ?? ''].filter(Boolean).join(' '));
    }
  }
  // The page's renderer: the one that parsed its document.
  const pagePids = new Set(
    events.filter((e) => e.name === 'ParseHTML' && e.args?.beginData?.url?.startsWith(pageOrigin)).map((e) => e.pid),
  );
  const otherRenderers: Record<string, number> = {};
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || pagePids.has(e.pid)) continue;
    if (threadName.get(`${e.pid}:${e.tid}`) !== 'CrRendererMain') continue;
    const label = processName.get(e.pid) || `renderer ${e.pid}`;
    otherRenderers[label] = (otherRenderers[label] ?? 0) + (e.dur ?? 0) / 1000;
  }
  for (const key of Object.keys(otherRenderers)) otherRenderers[key] = Math.round(otherRenderers[key] ?? 0);
  return {
    scriptMs: Math.round(scriptUs / 100) / 10,
    forcedLayoutMs: Math.round(forcedUs / 100) / 10,
    otherRenderers,
  };
}
