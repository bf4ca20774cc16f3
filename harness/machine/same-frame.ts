/**
 * Whether two frames are the same picture: how a machine tells a screen that has not changed, and
 * how waits and the filmstrip tell a stable one. Below screen/ because machines use it too.
 */
import type { RawImage } from './raw-image.js';

/** A region of a frame, in pixels. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Pixel-identical, outside the masks when there are any; compares in place, row span by row span. */
export function sameFrame(a: RawImage, b: RawImage, masks: readonly Rect[] = []): boolean {
  if (a === b) return true;
  if (a.width !== b.width || a.height !== b.height) return false;
  const [da, db] = [bytesOf(a.data), bytesOf(b.data)];
  if (masks.length === 0) return da.equals(db);
  const row = a.width * 4;
  for (let y = 0; y < a.height; y++) {
    // The masked columns of this row, merged, in order; compare the spans between them.
    const cut = masks
      .filter((m) => y >= m.y && y < m.y + m.height)
      .map((m) => [Math.max(0, m.x), Math.min(a.width, m.x + m.width)] as const)
      .sort((p, q) => p[0] - q[0]);
    let x = 0;
    for (const [from, to] of [...cut, [a.width, a.width] as const]) {
      if (from > x && da.compare(db, y * row + x * 4, y * row + from * 4, y * row + x * 4, y * row + from * 4) !== 0) return false;
      x = Math.max(x, to);
    }
  }
  return true;
}

/**
 * The smallest rectangle holding every pixel that differs between two same-sized frames, outside
 * the masks; undefined when none does. Tells a person where a screen that never held still moved.
 */
export function changedBox(a: RawImage, b: RawImage, masks: readonly Rect[] = []): Rect | undefined {
  if (a.width !== b.width || a.height !== b.height) return { x: 0, y: 0, width: Math.max(a.width, b.width), height: Math.max(a.height, b.height) };
  const [wa, wb] = [words(a), words(b)];
  const [da, db] = [bytesOf(a.data), bytesOf(b.data)];
  const row = a.width * 4;
  let [x0, y0, x1, y1] = [a.width, a.height, -1, -1];
  for (let y = 0; y < a.height; y++) {
    // Most rows of two frames a poll apart are the same: one native compare skips them.
    if (da.compare(db, y * row, y * row + row, y * row, y * row + row) === 0) continue;
    const rowMasks = masks.filter((m) => y >= m.y && y < m.y + m.height);
    for (let x = 0; x < a.width; x++) {
      const i = y * a.width + x;
      if (wa[i] === wb[i] || rowMasks.some((m) => x >= m.x && x < m.x + m.width)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? undefined : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Whether two rectangles share a pixel. */
export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The pixels both hold; undefined when they share none. */
export function intersection(a: Rect, b: Rect): Rect | undefined {
  const [x0, y0] = [Math.max(a.x, b.x), Math.max(a.y, b.y)];
  const [x1, y1] = [Math.min(a.x + a.width, b.x + b.width), Math.min(a.y + a.height, b.y + b.height)];
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

/** The smallest rectangle holding both. */
export function unionBox(a: Rect | undefined, b: Rect): Rect {
  if (!a) return b;
  const [x, y] = [Math.min(a.x, b.x), Math.min(a.y, b.y)];
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function bytesOf(d: Uint8Array): Buffer {
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

function words(image: RawImage): Uint32Array {
  // Frames from a PPM decode or a PNG read are 4-byte aligned; copy the rare one that is not.
  const d = image.data;
  return d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.byteLength / 4) : new Uint32Array(d.slice().buffer);
}
