/**
 * Pointer input shared by every backend: the refusal for a profile without a pointer, how a
 * screen pixel becomes an absolute device coordinate, and clicks composed from button presses.
 * How a relative (PS/2) device is walked to a pixel is pointer-landing.ts.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import type { Machine } from './machine.js';
import type { PointerLanding } from './pointer-landing.js';
import type { PointerDevice, Profile } from './profile.js';

export type PointerButton = 'left' | 'middle' | 'right';

/** The device a pointer operation drives; a profile with `pointer: none` is a config error naming the field. */
export function requirePointer(profile: Profile): Exclude<PointerDevice, 'none'> {
  if (profile.pointer === 'none') {
    throw new ConfigError(`profile ${profile.name} has no pointing device (set pointer: ps2, usb-tablet or vmmouse)`, { field: 'pointer' });
  }
  return profile.pointer;
}

/** A point outside the frame cannot be pointed at: a config error, not a silent clamp to the edge. */
export function checkPoint(x: number, y: number, size: { readonly width: number; readonly height: number }): void {
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= size.width || y >= size.height) {
    throw new ConfigError(`pointer position ${x},${y} is not a pixel of the ${size.width}×${size.height} screen`, { field: 'pointer' });
  }
}

/**
 * Pixel → absolute axis value 0..max, aimed at the pixel's centre: a guest that maps the axis back
 * with either floor(v·size/(max+1)) or round(v·(size−1)/max) lands on the same pixel (±0 and ±1 at
 * the far edge), where aiming at the pixel's corner would land one short half the time.
 */
export function absoluteAxis(pixel: number, size: number, max: number): number {
  return Math.min(max, Math.floor(((pixel + 0.5) * (max + 1)) / size));
}

/** How long a button stays down in a click, and the gap between a double-click's two clicks. */
export const CLICK_HOLD_MS = 50;
export const DOUBLE_CLICK_GAP_MS = 100;

/** Moves to (x, y) and clicks there: once, or twice within every guest's double-click time. Resolves to the move's landing. */
export async function clickAt(machine: Machine, x: number, y: number, button: PointerButton = 'left', options: { double?: boolean } = {}): Promise<PointerLanding | undefined> {
  const landing = await machine.pointerMove(x, y);
  for (let n = options.double ? 2 : 1; n > 0; n--) {
    await machine.pointerButton(button, true);
    await delay(CLICK_HOLD_MS);
    await machine.pointerButton(button, false);
    if (n > 1) await delay(DOUBLE_CLICK_GAP_MS);
  }
  return landing;
}
