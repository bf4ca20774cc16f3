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
  const bytes = (d: Uint8Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  const [da, db] = [bytes(a.data), bytes(b.data)];
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
