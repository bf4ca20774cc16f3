/** A copy of a frame with rectangles outlined (red unless told), to show a person where something is. */
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';

const LINE = 2;
const RED = [0xff, 0x00, 0x00, 0xff] as const;

export interface Outline {
  readonly box: Rect;
  readonly colour: readonly [number, number, number, number];
}

export function outlineBox(frame: RawImage, box: Rect): RawImage {
  return outlineBoxes(frame, [{ box, colour: RED }]);
}

/** Outlines drawn in order, a later one over an earlier. */
export function outlineBoxes(frame: RawImage, outlines: readonly Outline[]): RawImage {
  const data = new Uint8Array(frame.data);
  for (const { box, colour } of outlines) {
    // The outline goes just outside the box where there is room, so the pixels inside stay visible.
    const [x0, y0] = [Math.max(0, box.x - LINE), Math.max(0, box.y - LINE)];
    const [x1, y1] = [Math.min(frame.width, box.x + box.width + LINE), Math.min(frame.height, box.y + box.height + LINE)];
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const edge = x < x0 + LINE || x >= x1 - LINE || y < y0 + LINE || y >= y1 - LINE;
        if (edge) data.set(colour, (y * frame.width + x) * 4);
      }
    }
  }
  return { width: frame.width, height: frame.height, data };
}
