/**
 * The pixels the guest's pointer cursor may cover when bootgate put the pointer at (x, y): left out
 * of every comparison, so a cursor parked on a button (where the last click left it) or drawn a
 * few pixels off (a PS/2 walk) does not fail an area that contains it. X and GTK draw their arrow
 * from a hotspot near its tip down and to the right, 16 to 32 px; X's own cursor (the cross over
 * the root window, and whichever a window shows before its toolkit sets one) is drawn about its
 * hotspot, 16 px each way. The box covers both, so which one is shown, which can change with
 * timing, does not change what is compared.
 */
import type { Rect } from '../machine/same-frame.js';

export const POINTER_BOX = { left: 16, top: 16, right: 32, bottom: 32 } as const;

export function pointerBox(at: { readonly x: number; readonly y: number }): Rect {
  const [x, y] = [Math.max(0, at.x - POINTER_BOX.left), Math.max(0, at.y - POINTER_BOX.top)];
  return { x, y, width: at.x + POINTER_BOX.right - x, height: at.y + POINTER_BOX.bottom - y };
}
