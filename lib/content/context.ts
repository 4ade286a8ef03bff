/**
 * What the helpdesk content scripts get as WXT's `ctx`: a signal for the script's life. wxt.config.ts
 * puts this module in place of `wxt/utils/content-script-context` in the content scripts' builds
 * (WXT's entry wrapper constructs it with the script's name and options). WXT's own context
 * announces every script start to the page (a CustomEvent on `document` and a `window.postMessage`
 * to any origin, so any page could tell that Portal Link is installed) and carries timers, a logger
 * and a location watcher: 1.5 KB of each content script's 8 KB budget, 1–2 ms of a ticket load.
 * Going away on an update is the runtime's own check (`orphaned` in runtime.ts); single-page
 * navigation is start.ts's.
 */
export class ContentScriptContext {
  readonly #life = new AbortController();

  get signal(): AbortSignal {
    return this.#life.signal;
  }
}
