import { describe, expect, it } from 'vitest';
import { EDGE, placeBeside } from '../../lib/content/popover';

const VIEWPORT = { width: 1280, height: 800 };
const MENU = { width: 232, height: 60 };
const box = (left: number, top: number, width = 190, height = 26) => ({ left, top, width, height });

describe('placeBeside: whole inside the viewport, next to its anchor', () => {
  it.each([
    // [what, anchor, size, viewport, expected]
    [
      'room below: below, starting at the anchor’s left edge',
      box(16, 112),
      MENU,
      VIEWPORT,
      { left: 16, top: 142, side: 'below' },
    ],
    [
      'the old Zendesk case (button at x = 8): never left of the edge',
      box(2, 112),
      MENU,
      VIEWPORT,
      { left: EDGE, top: 142, side: 'below' },
    ],
    [
      'near the right edge: shifted left',
      box(1200, 112),
      MENU,
      VIEWPORT,
      { left: 1280 - EDGE - 232, top: 142, side: 'below' },
    ],
    ['near the bottom: flipped above', box(16, 760), MENU, VIEWPORT, { left: 16, top: 760 - 4 - 60, side: 'above' }],
    [
      'narrow (zoomed) viewport: clamped to the left edge',
      box(100, 40),
      MENU,
      { width: 200, height: 300 },
      { left: EDGE, top: 70, side: 'below' },
    ],
    [
      'no room either side: the roomier side, clamped inside',
      box(16, 20, 190, 26),
      { width: 232, height: 90 },
      { width: 400, height: 100 },
      { left: 16, top: EDGE, side: 'below' },
    ],
  ])('%s', (_what, anchor, size, viewport, expected) => {
    const at = placeBeside(anchor, size, viewport);
    expect(at).toEqual(expected);
    expect(at.left).toBeGreaterThanOrEqual(EDGE);
    expect(at.top).toBeGreaterThanOrEqual(EDGE);
    if (size.width <= viewport.width - 2 * EDGE)
      expect(at.left + size.width).toBeLessThanOrEqual(viewport.width - EDGE);
  });

  it('end alignment lines the box up with the anchor’s right edge', () => {
    expect(placeBeside(box(1000, 740), { width: 300, height: 40 }, VIEWPORT, 'end', 8)).toEqual({
      left: 1000 + 190 - 300,
      top: 740 - 8 - 40,
      side: 'above',
    });
  });
});
