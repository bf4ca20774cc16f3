/**
 * Compares two frames, Playwright-style: a pure function that says whether they match within
 * the tolerances and returns the diff image either way, so callers can keep the best candidate.
 */
import pixelmatch from 'pixelmatch';
import type { RawImage } from '../machine/raw-image.js';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface CompareOptions {
  /** Per-pixel colour distance threshold, 0..1 (pixelmatch). */
  readonly threshold: number;
  /** Absolute number of differing pixels tolerated; default 0. */
  readonly maxDiffPixels?: number;
  /** Fraction of differing pixels tolerated, 0..1. */
  readonly maxDiffPixelRatio?: number;
  /** Rectangles ignored in both frames (clocks, counters). */
  readonly masks?: readonly Rect[];
}

export interface Comparison {
  readonly match: boolean;
  readonly diffPixels: number;
  readonly diffRatio: number;
  /** Red where the frames differ; undefined when the sizes differ. */
  readonly diff?: RawImage;
  readonly summary: string;
}

export function compareScreens(expected: RawImage, actual: RawImage, options: CompareOptions): Comparison {
  if (expected.width !== actual.width || expected.height !== actual.height) {
    const total = Math.max(expected.width * expected.height, actual.width * actual.height);
    return {
      match: false,
      diffPixels: total,
      diffRatio: 1,
      summary: `size differs: expected ${expected.width}×${expected.height}, got ${actual.width}×${actual.height}`,
    };
  }
  const { width, height } = expected;
  const masks = options.masks ?? [];
  const a = masks.length ? applyMasks(expected, masks) : expected.data;
  const b = masks.length ? applyMasks(actual, masks) : actual.data;
  const diffData = new Uint8Array(width * height * 4);
  const diffPixels = pixelmatch(a, b, diffData, width, height, { threshold: options.threshold, diffMask: false });
  const diffRatio = diffPixels / (width * height);
  const allowed = Math.max(options.maxDiffPixels ?? 0, Math.floor((options.maxDiffPixelRatio ?? 0) * width * height));
  const match = diffPixels <= allowed;
  return {
    match,
    diffPixels,
    diffRatio,
    diff: { width, height, data: diffData },
    summary: `${diffPixels} pixels differ (${(diffRatio * 100).toFixed(2)} %), ${allowed} allowed`,
  };
}

/** The frame with every mask filled with one colour, so masked areas always compare equal. */
export function applyMasks(image: RawImage, masks: readonly Rect[]): Uint8Array {
  const data = new Uint8Array(image.data);
  for (const m of masks) {
    const x1 = Math.min(image.width, m.x + m.width);
    const y1 = Math.min(image.height, m.y + m.height);
    for (let y = m.y; y < y1; y++) {
      for (let x = m.x; x < x1; x++) {
        const i = (y * image.width + x) * 4;
        data[i] = 255;
        data[i + 1] = 0;
        data[i + 2] = 255;
        data[i + 3] = 255;
      }
    }
  }
  return data;
}

/** Pixel-identical, outside the masks when there are any. */
export function sameFrame(a: RawImage, b: RawImage, masks: readonly Rect[] = []): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  const da = masks.length ? applyMasks(a, masks) : a.data;
  const db = masks.length ? applyMasks(b, masks) : b.data;
  return Buffer.from(da.buffer, da.byteOffset, da.byteLength).equals(Buffer.from(db.buffer, db.byteOffset, db.byteLength));
}
