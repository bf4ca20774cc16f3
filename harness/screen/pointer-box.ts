/**
 * The pixels the guest's pointer cursor may cover when bootgate put the pointer at (x, y): left out
 * of every comparison, so a cursor parked on a button (where the last click left it) or drawn a
 * few pixels off (a PS/2 walk) does not fail an area that contains it. X and GTK draw their arrow
 * from a hotspot near its tip down and to the right, 16 to 32 px; a box reaching a little up and
 * left of the point and 32 px down and right covers the themes Debian ships.
 */
import type { Rect } from '../machine/same-frame.js';

export const POINTER_BOX = { left: 4, top: 4, right: 32, bottom: 32 } as const;

export function pointerBox(at: { readonly x: number; readonly y: number }): Rect {
  return { x: Math.max(0, at.x - POINTER_BOX.left), y: Math.max(0, at.y - POINTER_BOX.top), width: POINTER_BOX.left + POINTER_BOX.right, height: POINTER_BOX.top + POINTER_BOX.bottom };
}
