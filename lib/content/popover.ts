/**
 * Where a floating box (the in-page menu, the toast) goes next to what it belongs to, so that it stays
 * whole inside the viewport: below by default, flipped above when below is short of room, then shifted
 * sideways and clamped, as popover libraries (Floating UI's flip + shift) do. Pure: CSS pixels in, CSS
 * pixels out, so it holds at any zoom (getBoundingClientRect and clientWidth scale together).
 */

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Placement {
  left: number;
  top: number;
  side: 'below' | 'above';
}

/** Room kept between the box and the viewport's edges, and between the box and its anchor. */
export const EDGE = 8;
export const GAP = 4;

/**
 * `anchor`: the element's rectangle; `size`: the box's; `viewport`: the visible area's size. The box
 * starts at the anchor's left edge (`align: 'start'`) or ends at its right edge (`'end'`).
 */
export function placeBeside(
  anchor: Box,
  size: Pick<Box, 'width' | 'height'>,
  viewport: Pick<Box, 'width' | 'height'>,
  align: 'start' | 'end' = 'start',
  gap = GAP,
): Placement {
  const below = anchor.top + anchor.height + gap;
  const above = anchor.top - gap - size.height;
  const roomBelow = viewport.height - EDGE - below;
  const roomAbove = anchor.top - gap - EDGE;
  const side = size.height <= roomBelow || roomBelow >= roomAbove ? 'below' : 'above';
  const wanted = align === 'start' ? anchor.left : anchor.left + anchor.width - size.width;
  return {
    left: clamp(wanted, EDGE, viewport.width - EDGE - size.width),
    top: clamp(side === 'below' ? below : above, EDGE, viewport.height - EDGE - size.height),
    side,
  };
}

/** `value` within [min, max]; `min` wins when the box is wider than the room (its start stays visible). */
function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}
