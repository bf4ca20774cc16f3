/** A copy of a frame with a rectangle outlined in red, to show a person where something is. */
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';

const LINE = 2;

export function outlineBox(frame: RawImage, box: Rect): RawImage {
  const data = new Uint8Array(frame.data);
  // The outline goes just outside the box where there is room, so the pixels inside stay visible.
  const [x0, y0] = [Math.max(0, box.x - LINE), Math.max(0, box.y - LINE)];
  const [x1, y1] = [Math.min(frame.width, box.x + box.width + LINE), Math.min(frame.height, box.y + box.height + LINE)];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const edge = x < x0 + LINE || x >= x1 - LINE || y < y0 + LINE || y >= y1 - LINE;
      if (!edge) continue;
      const i = (y * frame.width + x) * 4;
      data.set([0xff, 0x00, 0x00, 0xff], i);
    }
  }
  return { width: frame.width, height: frame.height, data };
}
