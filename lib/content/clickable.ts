/**
 * Clickjacking guard for the inline button: before acting on a click, check that the agent
 * could actually see what they clicked. Pure: the document's hit testing and computed styles are
 * read through `env`, so happy-dom tests can feed it any geometry.
 */

export type ClickProblem = 'covered' | 'transparent';

export interface ClickEnv {
  /** `document.elementFromPoint` (after the page's own `pointer-events`). */
  elementFromPoint(x: number, y: number): Element | null;
  getComputedStyle(el: Element): Pick<CSSStyleDeclaration, 'opacity' | 'visibility'> & Partial<CSSStyleDeclaration>;
}

/** Below this product of opacities up the tree the button is too faint to have been seen. */
export const MIN_OPACITY = 0.5;

/** The element's parent across shadow boundaries (a shadow root's parent is its host). */
function composedParent(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const root = el.parentNode;
  return root && 'host' in root ? (root as ShadowRoot).host : null;
}

/** Product of `opacity` from `el` up to the document; `visibility` of `el` itself (it inherits). */
export function effectiveOpacity(el: Element, env: Pick<ClickEnv, 'getComputedStyle'>): number {
  let product = 1;
  for (let node: Element | null = el; node; node = composedParent(node)) {
    const opacity = Number.parseFloat(env.getComputedStyle(node).opacity);
    if (Number.isFinite(opacity)) product *= opacity;
    if (product < MIN_OPACITY) return product;
  }
  return product;
}

/**
 * Why a click on `button` (inside `host`'s shadow root) must not be acted on, or undefined when the
 * button was plainly visible and on top at its centre.
 */
export function clickProblem(host: Element, button: Element, env: ClickEnv): ClickProblem | undefined {
  const style = env.getComputedStyle(button);
  if (style.visibility !== 'visible') return 'transparent';
  if (effectiveOpacity(button, env) < MIN_OPACITY) return 'transparent';
  const rect = button.getBoundingClientRect();
  if (rect.width <= 0 || rect.height <= 0) return 'covered';
  const x = rect.left + rect.width / 2;
  const y = rect.top + rect.height / 2;
  // The document retargets hits inside our shadow root to the host; the root knows the button. The
  // root comes from the button (`host.shadowRoot` is null for a closed root, lib/content/host.ts).
  if (env.elementFromPoint(x, y) !== host) return 'covered';
  const root = button.getRootNode();
  const inner = 'host' in root ? (root as ShadowRoot).elementFromPoint(x, y) : button;
  if (!inner || !button.contains(inner)) return 'covered';
  return undefined;
}

/**
 * The live document's environment. A decoy with `pointer-events: none` laid over the button is not
 * detected: finding it needs a hit test that ignores pointer-events, i.e. a style override on every
 * element, measured at 175 ms per click on a 5,000-comment ticket (a long task on every copy).
 */
export function documentEnv(doc: Document): ClickEnv {
  const view = doc.defaultView as Window;
  return {
    elementFromPoint: (x, y) => doc.elementFromPoint(x, y),
    getComputedStyle: (el) => view.getComputedStyle(el),
  };
}

/**
 * Judges a click on the button: only the agent's own clicks count (the page can reach the button
 * and call `click()`), and only on a button they could see (not covered, not faded out).
 */
export function guardClick(
  event: MouseEvent,
  host: HTMLElement,
  button: HTMLButtonElement,
): 'ignore' | ClickProblem | undefined {
  if (!event.isTrusted) return 'ignore';
  return clickProblem(host, button, documentEnv(host.ownerDocument));
}
