/** The box `region NAME at X Y` snaps to: a widget's edges, not its gradient's steps or its label's glyphs. */
import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { snapBox } from '../../harness/screen/snap-box.js';
import { fillRect } from '../support/region-frames.js';

/** A 400×200 window background with a GTK-like button: 1 px dark border, a face shading by 1 a row, a label. */
function withButton(): RawImage {
  const img: RawImage = { width: 400, height: 200, data: new Uint8Array(400 * 200 * 4) };
  fillRect(img, 0, 0, 400, 200, [237, 233, 227]);
  fillRect(img, 200, 80, 135, 25, [100, 94, 85]);
  for (let row = 0; row < 23; row++) fillRect(img, 201, 81 + row, 133, 1, [255 - row, 254 - row, 253 - row]);
  // The label: glyph-like strokes 11 px tall, 2 px apart.
  for (let x = 240; x < 300; x += 4) fillRect(img, x, 87, 2, 11, [40, 40, 40]);
  return img;
}

describe('snapBox', () => {
  it('snaps to a shaded button around a point on its label, 2 px around its border', () => {
    expect(snapBox(withButton(), 261, 92)).toEqual({ box: { x: 199, y: 79, width: 137, height: 27 }, snapped: true });
  });

  it('gives a fixed box on a flat screen, kept inside it', () => {
    const flat: RawImage = { width: 300, height: 100, data: new Uint8Array(300 * 100 * 4).fill(200) };
    expect(snapBox(flat, 290, 95)).toEqual({ box: { x: 180, y: 60, width: 120, height: 40 }, snapped: false });
  });
});
