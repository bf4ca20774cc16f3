/**
 * Compares two frames, Playwright-style: whether they match within the tolerances, and the diff
 * image for a report. compareScreens is the pure one-shot form; a GoldenComparer compares many
 * frames against one golden, as a wait does, without allocating per frame (a 720×400 frame is
 * 1.1 MB, and masked copies and a diff for each poll made up most of bootgate's memory peak).
 */
import pixelmatch from 'pixelmatch';
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';

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
  const comparer = new GoldenComparer(expected, options);
  const comparison = comparer.compare(actual);
  const diff = comparer.diff(actual);
  return diff ? { ...comparison, diff } : comparison;
}

/** One golden against many frames: its masked copy and a scratch buffer are made once. */
export class GoldenComparer {
  private readonly masks: readonly Rect[];
  private readonly expectedData: Uint8Array;
  private scratch: Uint8Array | undefined;
  private last: { readonly actual: RawImage; readonly comparison: Comparison } | undefined;

  constructor(
    readonly expected: RawImage,
    private readonly options: CompareOptions,
  ) {
    this.masks = options.masks ?? [];
    this.expectedData = this.masks.length ? maskInto(new Uint8Array(expected.data), expected.width, expected.height, this.masks) : expected.data;
  }

  /**
   * Whether `actual` matches, without a diff image. Frames are never changed once taken, so the
   * same frame again (a backend returns the previous object for an unchanged screen) gets the
   * answer it got before.
   */
  compare(actual: RawImage): Comparison {
    if (this.last?.actual === actual) return this.last.comparison;
    const comparison = this.compareNow(actual);
    this.last = { actual, comparison };
    return comparison;
  }

  private compareNow(actual: RawImage): Comparison {
    const { width, height } = this.expected;
    if (actual.width !== width || actual.height !== height) {
      return {
        match: false,
        diffPixels: Math.max(width * height, actual.width * actual.height),
        diffRatio: 1,
        summary: `size differs: expected ${width}×${height}, got ${actual.width}×${actual.height}`,
      };
    }
    const diffPixels = pixelmatch(this.expectedData, this.masked(actual), undefined, width, height, { threshold: this.options.threshold });
    const diffRatio = diffPixels / (width * height);
    const allowed = Math.max(this.options.maxDiffPixels ?? 0, Math.floor((this.options.maxDiffPixelRatio ?? 0) * width * height));
    return { match: diffPixels <= allowed, diffPixels, diffRatio, summary: `${diffPixels} pixels differ (${(diffRatio * 100).toFixed(2)} %), ${allowed} allowed` };
  }

  /** Red where `actual` differs from the golden, for a report; undefined when the sizes differ. */
  diff(actual: RawImage): RawImage | undefined {
    const { width, height } = this.expected;
    if (actual.width !== width || actual.height !== height) return undefined;
    const data = new Uint8Array(width * height * 4);
    pixelmatch(this.expectedData, this.masked(actual), data, width, height, { threshold: this.options.threshold, diffMask: false });
    return { width, height, data };
  }

  private masked(actual: RawImage): Uint8Array {
    if (this.masks.length === 0) return actual.data;
    this.scratch ??= new Uint8Array(actual.data.length);
    this.scratch.set(actual.data);
    return maskInto(this.scratch, actual.width, actual.height, this.masks);
  }
}

/** The colour masked areas are painted in both frames (opaque magenta), so they always compare equal. */
const MASK_PIXEL = Buffer.from([255, 0, 255, 255]);

/**
 * Fills every mask in `data` with MASK_PIXEL, a native copy per row: it runs on every polled
 * frame, often before V8 has compiled it, where a loop over each pixel took 4–6 ms for GRUB's
 * 720×16 countdown mask.
 */
function maskInto(data: Uint8Array, width: number, height: number, masks: readonly Rect[]): Uint8Array {
  for (const m of masks) {
    const x0 = Math.max(0, m.x);
    const x1 = Math.min(width, m.x + m.width);
    if (x1 <= x0) continue;
    const span = Buffer.alloc((x1 - x0) * 4, MASK_PIXEL);
    for (let y = Math.max(0, m.y); y < Math.min(height, m.y + m.height); y++) data.set(span, (y * width + x0) * 4);
  }
  return data;
}
