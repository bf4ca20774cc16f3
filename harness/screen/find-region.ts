/**
 * Finds one area of a golden on a frame, anywhere within a search window (openQA's needles).
 * Pure functions on RawImage. A wait runs this on every polled frame while the emulator shares
 * the cores, so it does as little as it can: the recorded spot first (the usual case, and a few
 * microseconds), and only on a miss a search on greyscale, first of 4×4-block means, then pixel
 * by pixel around the few best coarse candidates; the winner is then scored exactly, in colour.
 *
 * Similarity is 1 − RMS/255 over the RGB channels of the area's pixels outside the excludes:
 * 1 is identical, 0.99 a few stray pixels, under 0.9 a different picture.
 */
import type { RawImage } from '../machine/raw-image.js';
import { intersection, type Rect } from '../machine/same-frame.js';

export interface RegionArea extends Rect {
  /** How far from where it was recorded the area may be found, in px each way. Default 50. */
  readonly margin?: number;
  /** Search here instead of within the margin; `screen` for the whole frame. */
  readonly searchArea?: Rect | 'screen';
  /** Least similarity that counts as a match, 0..1. Default 0.96 (openQA's default too). */
  readonly similarity?: number;
  /** Where a click on this area goes, relative to its top-left corner. Default its centre. */
  readonly clickPoint?: { readonly x: number; readonly y: number };
}

export const DEFAULT_MARGIN = 50;
export const DEFAULT_SIMILARITY = 0.96;

/** Where the area was found, or when it was not, the best candidate and its score. */
export interface RegionMatch {
  readonly found: boolean;
  /** Top-left corner of the best candidate on the frame. */
  readonly x: number;
  readonly y: number;
  readonly similarity: number;
}

/**
 * The block size of the coarse pass, and how many of its best candidates are refined. Windows
 * with more corners than LARGE_WINDOW (a whole screen, not a margin) are scanned in 8×8 blocks:
 * a 4×4 scan of a 1024×768 screen took ~250 ms a frame.
 */
const BLOCK = 4;
const LARGE_BLOCK = 8;
const LARGE_WINDOW = 100_000;
const CANDIDATES = 4;
/** Share of an area's pixels that must be outside the pointer's box for it to be compared at all. */
const MIN_VISIBLE = 1 / 3;

/** Whether `hide` covers so much of `area` where it is that it is not compared there (for telling why it was not found). */
export function mostlyHidden(area: Rect, hide: Rect): boolean {
  const both = intersection(area, hide);
  return !!both && both.width * both.height > area.width * area.height * (1 - MIN_VISIBLE);
}

/** The area's pixels cut from the golden, with the excluded ones marked, ready for many frames. */
export class RegionTemplate {
  readonly width: number;
  readonly height: number;
  /** RGBA of the area. */
  readonly data: Uint8Array;
  /** 1 where a pixel counts, 0 where an exclude covers it. */
  readonly counts: Uint8Array;
  readonly counted: number;
  /** Luma of the area's pixels, for the search. */
  private readonly grey: Uint8Array;
  /** Block means and weights (share of counted pixels) of the coarse pass, per block size, made on first use. */
  private readonly coarse = new Map<number, { readonly w: number; readonly h: number; readonly grey: Float32Array; readonly weight: Float32Array }>();

  constructor(
    golden: RawImage,
    readonly area: RegionArea,
    excludes: readonly Rect[] = [],
  ) {
    const { x, y, width, height } = area;
    if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > golden.width || y + height > golden.height) {
      throw new RangeError(`area ${width}×${height} at ${x},${y} is not inside the ${golden.width}×${golden.height} golden`);
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 4);
    for (let row = 0; row < height; row++) {
      const from = ((y + row) * golden.width + x) * 4;
      this.data.set(golden.data.subarray(from, from + width * 4), row * width * 4);
    }
    this.counts = new Uint8Array(width * height).fill(1);
    for (const e of excludes) {
      for (let row = Math.max(0, e.y - y); row < Math.min(height, e.y + e.height - y); row++) {
        this.counts.fill(0, row * width + Math.max(0, e.x - x), row * width + Math.max(0, Math.min(width, e.x + e.width - x)));
      }
    }
    this.counted = this.counts.reduce((sum, c) => sum + c, 0);
    this.grey = new Uint8Array(width * height);
    for (let i = 0; i < this.grey.length; i++) this.grey[i] = lumaAt(this.data, i * 4);
  }

  private blocks(block: number): { readonly w: number; readonly h: number; readonly grey: Float32Array; readonly weight: Float32Array } {
    const known = this.coarse.get(block);
    if (known) return known;
    const w = Math.floor(this.width / block);
    const h = Math.floor(this.height / block);
    const grey = new Float32Array(w * h);
    const weight = new Float32Array(w * h);
    for (let by = 0; by < h; by++) {
      for (let bx = 0; bx < w; bx++) {
        let sum = 0;
        let n = 0;
        for (let dy = 0; dy < block; dy++) {
          for (let dx = 0; dx < block; dx++) {
            const i = (by * block + dy) * this.width + bx * block + dx;
            if (!this.counts[i]) continue;
            sum += this.grey[i]!;
            n++;
          }
        }
        grey[by * w + bx] = n ? sum / n : 0;
        weight[by * w + bx] = n / (block * block);
      }
    }
    const made = { w, h, grey, weight };
    this.coarse.set(block, made);
    return made;
  }

  /**
   * Similarity with the frame's pixels whose top-left corner is (fx, fy), leaving out the frame's
   * pixels in `hide` (where the pointer's cursor may be drawn), wherever the area lands. An area
   * the pointer hides all but MIN_VISIBLE of is no match there: what is left (a corner of a
   * checkbox under the cursor) would match before the guest drew anything.
   */
  similarityAt(frame: RawImage, fx: number, fy: number, hide?: Rect): number {
    const { width, height, data, counts } = this;
    const fd = frame.data;
    // The hidden box in the area's own coordinates; an empty range when there is none.
    const [hx0, hx1] = hide ? [hide.x - fx, hide.x + hide.width - fx] : [0, 0];
    const [hy0, hy1] = hide ? [hide.y - fy, hide.y + hide.height - fy] : [0, 0];
    let sse = 0;
    let counted = 0;
    for (let row = 0; row < height; row++) {
      let f = ((fy + row) * frame.width + fx) * 4;
      let t = row * width * 4;
      let c = row * width;
      const hidden = row >= hy0 && row < hy1;
      for (let col = 0; col < width; col++, f += 4, t += 4, c++) {
        if (!counts[c] || (hidden && col >= hx0 && col < hx1)) continue;
        const dr = fd[f]! - data[t]!;
        const dg = fd[f + 1]! - data[t + 1]!;
        const db = fd[f + 2]! - data[t + 2]!;
        sse += dr * dr + dg * dg + db * db;
        counted++;
      }
    }
    if (counted === 0 || counted < this.counted * MIN_VISIBLE) return 0;
    return 1 - Math.sqrt(sse / (counted * 3)) / 255;
  }

  /**
   * The best corner in x0..x1 × y0..y1 (inclusive) by greyscale squared difference. The window is
   * turned into luma once; a pass over block means (4×4, 8×8 in a large window) scores every
   * block-aligned corner, and the
   * corners around its few best (apart from each other) are then scored pixel by pixel, each
   * abandoned as soon as it is worse than the best so far.
   */
  search(frame: RawImage, x0: number, y0: number, x1: number, y1: number): { x: number; y: number } {
    const ww = x1 - x0 + this.width;
    const wh = y1 - y0 + this.height;
    const luma = new Uint8Array(ww * wh);
    for (let row = 0; row < wh; row++) {
      let p = ((y0 + row) * frame.width + x0) * 4;
      for (let col = 0, i = row * ww; col < ww; col++, i++, p += 4) luma[i] = lumaAt(frame.data, p);
    }
    const block = (x1 - x0 + 1) * (y1 - y0 + 1) > LARGE_WINDOW ? LARGE_BLOCK : BLOCK;
    let best = { x: x0, y: y0, sse: Infinity };
    for (const c of this.coarseCandidates(luma, ww, x1 - x0, y1 - y0, block)) {
      for (let y = Math.max(0, c.y - block + 1); y <= Math.min(y1 - y0, c.y + block - 1); y++) {
        for (let x = Math.max(0, c.x - block + 1); x <= Math.min(x1 - x0, c.x + block - 1); x++) {
          const sse = this.greySse(luma, ww, x, y, best.sse);
          if (sse < best.sse) best = { x: x0 + x, y: y0 + y, sse };
        }
      }
    }
    return best;
  }

  /** Squared luma difference with the window's pixels at (wx, wy); stops once past `limit`. */
  private greySse(luma: Uint8Array, ww: number, wx: number, wy: number, limit: number): number {
    const { width, height, grey, counts } = this;
    let sse = 0;
    for (let row = 0; row < height; row++) {
      let w = (wy + row) * ww + wx;
      for (let col = 0, t = row * width; col < width; col++, t++, w++) {
        const d = luma[w]! - grey[t]!;
        sse += d * d * counts[t]!;
      }
      if (sse >= limit) return sse;
    }
    return sse;
  }

  /** Block-aligned corners (in window pixels) of the best few block matches, apart from each other. */
  private coarseCandidates(luma: Uint8Array, ww: number, maxX: number, maxY: number, block: number): Array<{ x: number; y: number }> {
    const { w, h, grey, weight } = this.blocks(block);
    if (w === 0 || h === 0) return [{ x: 0, y: 0 }];
    const fw = Math.floor((maxX + this.width) / block);
    const fh = Math.floor((maxY + this.height) / block);
    const blocks = new Float32Array(fw * fh);
    for (let by = 0; by < fh; by++) {
      for (let dy = 0; dy < block; dy++) {
        let p = (by * block + dy) * ww;
        for (let bx = 0; bx < fw; bx++) {
          let sum = 0;
          for (let dx = 0; dx < block; dx++, p++) sum += luma[p]!;
          blocks[by * fw + bx]! += sum;
        }
      }
    }
    for (let i = 0; i < blocks.length; i++) blocks[i]! /= block * block;

    const scores: Array<{ cx: number; cy: number; score: number }> = [];
    for (let cy = 0; cy <= Math.floor(maxY / block) && cy + h <= fh; cy++) {
      for (let cx = 0; cx <= Math.floor(maxX / block) && cx + w <= fw; cx++) {
        let score = 0;
        for (let by = 0; by < h; by++) {
          const fr = (cy + by) * fw + cx;
          const tr = by * w;
          for (let bx = 0; bx < w; bx++) {
            const d = blocks[fr + bx]! - grey[tr + bx]!;
            score += weight[tr + bx]! * d * d;
          }
        }
        scores.push({ cx, cy, score });
      }
    }
    scores.sort((a, b) => a.score - b.score);
    const picked: Array<{ cx: number; cy: number }> = [];
    for (const s of scores) {
      if (picked.some((p) => Math.abs(p.cx - s.cx) <= 1 && Math.abs(p.cy - s.cy) <= 1)) continue;
      picked.push(s);
      if (picked.length === CANDIDATES) break;
    }
    return picked.map((p) => ({ x: p.cx * block, y: p.cy * block }));
  }
}

/**
 * Finds the template's area on the frame: at its recorded spot, else within its search window.
 * The frame's pixels in `hide` (the pointer's box) are left out of the scores; the coarse search
 * still sees them, which a cursor a fraction of the area's size does not mislead.
 */
export function findRegion(frame: RawImage, template: RegionTemplate, hide?: Rect): RegionMatch {
  const { area } = template;
  const threshold = area.similarity ?? DEFAULT_SIMILARITY;
  const window = searchWindow(frame, template);
  if (!window) return { found: false, x: area.x, y: area.y, similarity: 0 };
  const [x0, y0, x1, y1] = window;

  if (area.x >= x0 && area.x <= x1 && area.y >= y0 && area.y <= y1) {
    const similarity = template.similarityAt(frame, area.x, area.y, hide);
    if (similarity >= threshold) return { found: true, x: area.x, y: area.y, similarity };
  }
  const { x, y } = template.search(frame, x0, y0, x1, y1);
  const similarity = template.similarityAt(frame, x, y, hide);
  return { found: similarity >= threshold, x, y, similarity };
}

/** The pixels an area is searched in on a frame (its margin or search area, clipped), for a report to draw. */
export function searchedRect(frame: RawImage, template: RegionTemplate): Rect | undefined {
  const window = searchWindow(frame, template);
  if (!window) return undefined;
  const [x0, y0, x1, y1] = window;
  return { x: x0, y: y0, width: x1 - x0 + template.width, height: y1 - y0 + template.height };
}

/** Where a click on a match goes: the area's click point, or its centre, moved with it. */
export function clickPointOf(match: RegionMatch, area: RegionArea): { x: number; y: number } {
  const point = area.clickPoint ?? { x: Math.floor(area.width / 2), y: Math.floor(area.height / 2) };
  return { x: match.x + point.x, y: match.y + point.y };
}

/** The inclusive range of top-left corners to try, clipped to the frame; undefined when the area cannot fit. */
function searchWindow(frame: RawImage, template: RegionTemplate): [number, number, number, number] | undefined {
  const { area, width, height } = template;
  const margin = area.margin ?? DEFAULT_MARGIN;
  const search: Rect =
    area.searchArea === 'screen'
      ? { x: 0, y: 0, width: frame.width, height: frame.height }
      : area.searchArea ?? { x: area.x - margin, y: area.y - margin, width: width + 2 * margin, height: height + 2 * margin };
  const x0 = Math.max(0, search.x);
  const y0 = Math.max(0, search.y);
  const x1 = Math.min(frame.width, search.x + search.width) - width;
  const y1 = Math.min(frame.height, search.y + search.height) - height;
  return x1 < x0 || y1 < y0 ? undefined : [x0, y0, x1, y1];
}

/** Integer luma (BT.601 weights), enough to rank candidates. */
function lumaAt(data: Uint8Array, i: number): number {
  return (data[i]! * 77 + data[i + 1]! * 150 + data[i + 2]! * 29) >> 8;
}
