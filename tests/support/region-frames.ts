/**
 * Synthetic screens for region matching: a desktop-like frame (flat colour, window-like boxes,
 * text-like speckle) and a 120×40 "button" that can be drawn anywhere on it. Deterministic.
 */
import type { RawImage } from '../../harness/machine/raw-image.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function fillRect(img: RawImage, x: number, y: number, w: number, h: number, rgb: readonly [number, number, number]): void {
  for (let j = Math.max(0, y); j < Math.min(img.height, y + h); j++) {
    for (let i = Math.max(0, x); i < Math.min(img.width, x + w); i++) img.data.set([...rgb, 255], (j * img.width + i) * 4);
  }
}

/** A desktop: teal background, grey boxes, dark 2×2 "glyphs" scattered in rows. */
export function desktop(width: number, height: number, seed = 1): RawImage {
  const img: RawImage = { width, height, data: new Uint8Array(width * height * 4) };
  const r = rng(seed);
  fillRect(img, 0, 0, width, height, [0, 128, 128]);
  for (let n = 0; n < 12; n++) fillRect(img, Math.floor(r() * width), Math.floor(r() * height), 80 + Math.floor(r() * 200), 40 + Math.floor(r() * 150), [192, 192, 192]);
  for (let n = 0; n < (width * height) / 400; n++) {
    const c = Math.floor(r() * 64);
    fillRect(img, Math.floor(r() * width), Math.floor(r() * height), 2, 2, [c, c, c]);
  }
  return img;
}

/** A 120×40 button with a label-like pattern, drawn with its top-left corner at (x, y). */
export function drawButton(img: RawImage, x: number, y: number, seed = 7): void {
  const r = rng(seed);
  fillRect(img, x, y, 120, 40, [224, 224, 224]);
  fillRect(img, x, y, 120, 2, [255, 255, 255]);
  fillRect(img, x, y + 38, 120, 2, [64, 64, 64]);
  for (let n = 0; n < 60; n++) fillRect(img, x + 10 + Math.floor(r() * 98), y + 12 + Math.floor(r() * 14), 2, 3, [0, 0, 96]);
}

export function copyImage(img: RawImage): RawImage {
  return { width: img.width, height: img.height, data: new Uint8Array(img.data) };
}

export { fillRect };
