/**
 * Parking the pointer before a golden is taken: a golden never holds the cursor (nor the hover
 * highlight it causes) unless asked, since a replay's pointer is wherever its last input left it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import type { Machine } from '../machine/machine.js';
import type { RawImage } from '../machine/raw-image.js';
import { sameFrame, type Rect } from '../machine/same-frame.js';
import { pointerBox } from '../screen/pointer-box.js';

/** After parking the pointer: the screen must stay the same this long (a hover highlight fading), at most PARK_WAIT_MS. */
const PARK_STILL_MS = 300;
const PARK_WAIT_MS = 3000;

/**
 * When the pointer's box overlaps the area, moves the pointer to the first corner whose box is
 * clear of it and takes the screen once it has stayed the same for a moment; undefined when the
 * pointer was not over the area (or bootgate never moved it: the guest's own cursor is its business).
 */
export async function parkPointer(machine: Machine, at: { readonly x: number; readonly y: number } | undefined, area: Rect, frame: RawImage): Promise<{ at: { x: number; y: number }; frame: RawImage } | undefined> {
  if (!at || !overlaps(pointerBox(at), area)) return undefined;
  const corners = [
    { x: frame.width - 1, y: 0 },
    { x: 0, y: 0 },
    { x: 0, y: frame.height - 1 },
    { x: frame.width - 1, y: frame.height - 1 },
  ];
  const corner = corners.find((c) => !overlaps(pointerBox(c), area));
  if (!corner) throw new ConfigError('the area covers the whole screen: there is nowhere to park the pointer (give keep-pointer to keep it)', { field: 'region' });
  await machine.pointerMove(corner.x, corner.y);
  const started = performance.now();
  let last = await machine.screenshot();
  let since = performance.now();
  while (performance.now() - since < PARK_STILL_MS && performance.now() - started < PARK_WAIT_MS) {
    await delay(50);
    const next = await machine.screenshot();
    if (!sameFrame(last, next)) [last, since] = [next, performance.now()];
  }
  return { at: corner, frame: last };
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
