/**
 * The box of the widget around a point, for recording an area by pointing at it: grown from a
 * small box at the point one pixel a side at a time, each side stopping where the line just
 * outside it differs from the line just inside over most of its length (a button's edge, a
 * highlighted row's border), not where a label's glyph crosses it. Two pixels differ when a
 * channel differs by more than STEP: GTK fills buttons and highlight bars with gradients that
 * change by 1–3 a row, which are no edges. That box stops inside a
 * widget's bevel (the first edge met is the face's), so it gets PAD px more on each side, which
 * takes in a 1–2 px border and a little of what surrounds it. A point with no such edges near (a
 * flat background, a picture) gets a fixed-size box centred on it.
 */
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';

/** What most of a side means: a glyph's stem spans at most ~80 % of a text row (GRUB's 16-px highlight bar), an edge all of it. */
const EDGE_SHARE = 0.85;
const START = 3;
/** A side shorter than this is no edge yet: across a label's few rows a glyph's column differs all along. */
const MIN_SIDE = 14;
/** Beyond a gradient's step and a JPEG-free frame's noise, well below any edge a person sees. */
const STEP = 24;
const PAD = 2;
export const FALLBACK_BOX = { width: 120, height: 40 } as const;

export function snapBox(frame: RawImage, x: number, y: number): { readonly box: Rect; readonly snapped: boolean } {
  let [x0, y0, x1, y1] = [Math.max(0, x - START), Math.max(0, y - START), Math.min(frame.width - 1, x + START), Math.min(frame.height - 1, y + START)];
  const done = { left: false, right: false, top: false, bottom: false };
  const d = frame.data;
  const differs = (ax: number, ay: number, bx: number, by: number) => {
    const [i, j] = [(ay * frame.width + ax) * 4, (by * frame.width + bx) * 4];
    return Math.abs(d[i]! - d[j]!) > STEP || Math.abs(d[i + 1]! - d[j + 1]!) > STEP || Math.abs(d[i + 2]! - d[j + 2]!) > STEP;
  };
  const column = (inside: number, outside: number) => {
    let differ = 0;
    for (let py = y0; py <= y1; py++) if (differs(inside, py, outside, py)) differ++;
    return differ >= EDGE_SHARE * (y1 - y0 + 1);
  };
  const row = (inside: number, outside: number) => {
    let differ = 0;
    for (let px = x0; px <= x1; px++) if (differs(px, inside, px, outside)) differ++;
    return differ >= EDGE_SHARE * (x1 - x0 + 1);
  };
  while (!(done.left && done.right && done.top && done.bottom)) {
    const [tall, wide] = [y1 - y0 + 1 >= MIN_SIDE, x1 - x0 + 1 >= MIN_SIDE];
    if (!done.left) (done.left = x0 === 0 || (tall && column(x0, x0 - 1))) || x0--;
    if (!done.right) (done.right = x1 === frame.width - 1 || (tall && column(x1, x1 + 1))) || x1++;
    if (!done.top) (done.top = y0 === 0 || (wide && row(y0, y0 - 1))) || y0--;
    if (!done.bottom) (done.bottom = y1 === frame.height - 1 || (wide && row(y1, y1 + 1))) || y1++;
  }
  // Every side ran to the screen's edge: nothing was around the point.
  if (x0 === 0 && y0 === 0 && x1 === frame.width - 1 && y1 === frame.height - 1) return { box: fallback(frame, x, y), snapped: false };
  [x0, y0, x1, y1] = [Math.max(0, x0 - PAD), Math.max(0, y0 - PAD), Math.min(frame.width - 1, x1 + PAD), Math.min(frame.height - 1, y1 + PAD)];
  return { box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, snapped: true };
}

function fallback(frame: RawImage, x: number, y: number): Rect {
  const width = Math.min(FALLBACK_BOX.width, frame.width);
  const height = Math.min(FALLBACK_BOX.height, frame.height);
  return { x: Math.min(Math.max(0, x - Math.floor(width / 2)), frame.width - width), y: Math.min(Math.max(0, y - Math.floor(height / 2)), frame.height - height), width, height };
}
