// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { type ClickEnv, clickProblem, effectiveOpacity } from '../../lib/content/clickable';

/** A page with our host (shadow root, button) inside two page wrappers, at 100,100–200,130. */
function setup() {
  const outer = document.createElement('div');
  const inner = document.createElement('div');
  const host = document.createElement('span');
  const root = host.attachShadow({ mode: 'open' });
  const button = document.createElement('button');
  root.append(button);
  inner.append(host);
  outer.append(inner);
  document.body.append(outer);
  button.getBoundingClientRect = () => ({ left: 100, top: 100, width: 100, height: 30 }) as DOMRect;
  root.elementFromPoint = () => button;
  return { outer, inner, host, root, button };
}

/** Styles by element (default: opaque, visible, transparent background), hits fixed by the test. */
function env(
  hit: Element | null,
  styles: Map<Element, Partial<CSSStyleDeclaration>> = new Map(),
): ClickEnv & { points: [number, number][] } {
  const points: [number, number][] = [];
  return {
    points,
    elementFromPoint: (x, y) => {
      points.push([x, y]);
      return hit;
    },
    getComputedStyle: (el) => ({
      opacity: '1',
      visibility: 'visible',
      backgroundColor: 'rgba(0, 0, 0, 0)',
      backgroundImage: 'none',
      ...styles.get(el),
    }),
  };
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('clickProblem', () => {
  it('a visible button on top: no problem, judged at its centre', () => {
    const { host, button } = setup();
    const e = env(host);
    expect(clickProblem(host, button, e)).toBeUndefined();
    expect(e.points).toEqual([[150, 115]]);
  });

  it('another element on top at the centre (pointer-events: auto overlay) → covered', () => {
    const { host, button } = setup();
    const overlay = document.createElement('div');
    document.body.append(overlay);
    expect(clickProblem(host, button, env(overlay))).toBe('covered');
    expect(clickProblem(host, button, env(null))).toBe('covered'); // scrolled out of the viewport
  });

  it('a look-alike inside our host’s place: the shadow root must find the real button', () => {
    const { host, root, button } = setup();
    const other = document.createElement('i');
    root.append(other);
    root.elementFromPoint = () => other;
    expect(clickProblem(host, button, env(host))).toBe('covered');
  });

  it.each([
    ['an ancestor at opacity 0.1', 'outer', { opacity: '0.1' }, 'transparent'],
    ['two ancestors at 0.7 (product 0.49)', 'both', { opacity: '0.7' }, 'transparent'],
    ['one ancestor at 0.8', 'inner', { opacity: '0.8' }, undefined],
    ['the host itself at 0.2 (page CSS on our element)', 'host', { opacity: '0.2' }, 'transparent'],
    ['the button hidden', 'button', { visibility: 'hidden' }, 'transparent'],
  ] as const)('%s → %s', (_label, which, style, expected) => {
    const parts = setup();
    const targets = which === 'both' ? [parts.outer, parts.inner] : [parts[which]];
    const styles = new Map<Element, Partial<CSSStyleDeclaration>>(targets.map((el) => [el, style]));
    expect(clickProblem(parts.host, parts.button, env(parts.host, styles))).toBe(expected);
  });

  it('a zero-size button (display: none somewhere above) → covered', () => {
    const { host, button } = setup();
    button.getBoundingClientRect = () => ({ left: 0, top: 0, width: 0, height: 0 }) as DOMRect;
    expect(clickProblem(host, button, env(host))).toBe('covered');
  });
});

describe('effectiveOpacity', () => {
  it('multiplies across the shadow boundary up to the document', () => {
    const { outer, host, button } = setup();
    const styles = new Map<Element, Partial<CSSStyleDeclaration>>([
      [outer, { opacity: '0.9' }],
      [host, { opacity: '0.9' }],
    ]);
    expect(effectiveOpacity(button, env(host, styles))).toBeCloseTo(0.81);
  });
});
