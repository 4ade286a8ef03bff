/**
 * Watching the page without timers while it is idle: one MutationObserver whose callbacks are
 * coalesced into one check per quiet period.
 */

/** Runs `run` once, `ms` after the first of a burst of `schedule()` calls. Owns the timer. */
export function coalescer(ms: number, run: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule(): void {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        run();
      }, ms);
    },
    cancel(): void {
      clearTimeout(timer);
      timer = undefined;
    },
    /** Runs at once, in place of a pending run. */
    now(): void {
      this.cancel();
      run();
    },
  };
}

/**
 * The one MutationObserver, and what it watches: the whole document (while the button or the
 * customer is still to be found), or only the button's anchor (its text and link, where a new
 * requester shows) and the anchor's ancestors' children (a re-render that drops either).
 */
export function pageWatcher(doc: Document, onChange: () => void) {
  const observer = new MutationObserver(onChange);
  let watching: Element | 'document' | 'nothing' = 'nothing';
  return {
    watchDocument(): void {
      if (watching === 'document') return;
      observer.disconnect();
      watching = 'document';
      observer.observe(doc.documentElement, { childList: true, subtree: true });
    },
    watchAnchor(anchor: Element): void {
      if (watching === anchor) return;
      observer.disconnect();
      watching = anchor;
      observer.observe(anchor, {
        childList: true,
        subtree: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['href', 'title'],
      });
      for (let node: Node | null = anchor.parentNode; node; node = node.parentNode) {
        observer.observe(node, { childList: true });
      }
    },
    /** The next watch call re-observes even the same target (its ancestors may have changed). */
    forget(): void {
      if (watching !== 'document') watching = 'nothing';
    },
    stop(): void {
      observer.disconnect();
      watching = 'nothing';
    },
  };
}
export type PageWatcher = ReturnType<typeof pageWatcher>;
