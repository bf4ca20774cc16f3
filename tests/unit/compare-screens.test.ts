import { describe, expect, it } from 'vitest';
import { changedBox, sameFrame } from '../../harness/machine/same-frame.js';
import { compareScreens, GoldenComparer } from '../../harness/screen/compare-screens.js';
import type { RawImage } from '../../harness/machine/raw-image.js';

function solid(width: number, height: number, rgb: [number, number, number]): RawImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  return { width, height, data };
}

function withBlock(image: RawImage, x0: number, y0: number, size: number, rgb: [number, number, number]): RawImage {
  const data = new Uint8Array(image.data);
  for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) data.set([...rgb, 255], (y * image.width + x) * 4);
  return { ...image, data };
}

describe('compareScreens', () => {
  const base = solid(40, 20, [0, 0, 170]);
  const changed = withBlock(base, 5, 5, 4, [255, 255, 255]);

  it('matches identical frames and counts differing pixels otherwise', () => {
    expect(compareScreens(base, base, { threshold: 0.1 }).match).toBe(true);
    const result = compareScreens(base, changed, { threshold: 0.1 });
    expect(result.match).toBe(false);
    expect(result.diffPixels).toBe(16);
    expect(result.diff?.width).toBe(40);
  });

  it('tolerates maxDiffPixels and maxDiffPixelRatio', () => {
    expect(compareScreens(base, changed, { threshold: 0.1, maxDiffPixels: 16 }).match).toBe(true);
    expect(compareScreens(base, changed, { threshold: 0.1, maxDiffPixels: 15 }).match).toBe(false);
    expect(compareScreens(base, changed, { threshold: 0.1, maxDiffPixelRatio: 0.02 }).match).toBe(true);
    expect(compareScreens(base, changed, { threshold: 0.1, maxDiffPixelRatio: 0.01 }).match).toBe(false);
  });

  it('ignores masked rectangles', () => {
    expect(compareScreens(base, changed, { threshold: 0.1, masks: [{ x: 4, y: 4, width: 6, height: 6 }] }).match).toBe(true);
    expect(compareScreens(base, changed, { threshold: 0.1, masks: [{ x: 20, y: 4, width: 6, height: 6 }] }).match).toBe(false);
  });

  it('reports a size difference instead of comparing', () => {
    const result = compareScreens(base, solid(20, 20, [0, 0, 170]), { threshold: 0.1 });
    expect(result.match).toBe(false);
    expect(result.summary).toMatch(/size differs: expected 40×20, got 20×20/);
  });

  it('sameFrame is exact', () => {
    expect(sameFrame(base, solid(40, 20, [0, 0, 170]))).toBe(true);
    expect(sameFrame(base, changed)).toBe(false);
  });
});

describe('sameFrame with masks', () => {
  it('ignores differences inside the masks only', () => {
    const a = solid(10, 10, [0, 0, 0]);
    const b = withBlock(a, 2, 2, 2, [255, 255, 255]);
    expect(sameFrame(a, b)).toBe(false);
    expect(sameFrame(a, b, [{ x: 2, y: 2, width: 2, height: 2 }])).toBe(true);
    expect(sameFrame(a, b, [{ x: 5, y: 5, width: 2, height: 2 }])).toBe(false);
  });
});

describe('GoldenComparer', () => {
  it('gives the same verdicts as compareScreens frame after frame, and draws a diff only when asked', () => {
    const golden = solid(30, 10, [10, 20, 30]);
    const masks = [{ x: 0, y: 0, width: 5, height: 10 }, { x: 25, y: 8, width: 10, height: 5 }];
    const comparer = new GoldenComparer(golden, { threshold: 0, masks });
    const frames = [golden, solid(30, 10, [10, 20, 31]), solid(30, 10, [10, 20, 30])];
    frames[2]!.data.fill(0, 0, 5 * 4); // inside the first mask only
    for (const frame of frames) {
      const { diff: _diff, ...expected } = compareScreens(golden, frame, { threshold: 0, masks });
      expect(comparer.compare(frame)).toEqual(expected);
    }
    expect(comparer.compare(frames[2]!).match).toBe(true);
    expect(golden.data[0]).toBe(10); // masking never touches the frames themselves
    expect(frames[2]!.data[0]).toBe(0);
    expect(comparer.diff(frames[1]!)?.width).toBe(30);
    expect(comparer.diff(solid(3, 3, [0, 0, 0]))).toBeUndefined();
  });

  it('answers the same frame object again from memory, and compares any other frame anew', () => {
    const golden = solid(8, 4, [10, 20, 30]);
    const comparer = new GoldenComparer(golden, { threshold: 0 });
    const frame = solid(8, 4, [10, 20, 30]);
    const first = comparer.compare(frame);
    expect(comparer.compare(frame)).toBe(first);
    const other = withBlock(frame, 0, 0, 2, [200, 0, 0]);
    expect(comparer.compare(other)).toMatchObject({ match: false, diffPixels: 4 });
    expect(comparer.compare(frame).match).toBe(true);
    expect(sameFrame(other, other)).toBe(true);
  });

  it('sameFrame skips overlapping and out-of-frame masks exactly', () => {
    const a = solid(10, 4, [1, 2, 3]);
    const b = solid(10, 4, [1, 2, 3]);
    b.data.fill(9, (1 * 10 + 3) * 4, (1 * 10 + 7) * 4); // row 1, columns 3..6
    expect(sameFrame(a, b, [{ x: 2, y: 1, width: 3, height: 1 }, { x: 4, y: 0, width: 3, height: 2 }])).toBe(true);
    expect(sameFrame(a, b, [{ x: 2, y: 1, width: 3, height: 1 }, { x: 6, y: 0, width: 30, height: 2 }])).toBe(false); // column 5 is exposed
    expect(sameFrame(a, b, [{ x: 3, y: 1, width: 50, height: 50 }])).toBe(true);
  });

  it('changedBox bounds the differing pixels outside the masks, and says undefined when none differ', () => {
    const a = solid(30, 12, [1, 2, 3]);
    const b = withBlock(withBlock(a, 4, 2, 2, [9, 9, 9]), 20, 8, 3, [9, 9, 9]);
    expect(changedBox(a, a)).toBeUndefined();
    expect(changedBox(a, b)).toEqual({ x: 4, y: 2, width: 19, height: 9 });
    // The lower block masked on its rows only: the upper one alone is left.
    expect(changedBox(a, b, [{ x: 0, y: 8, width: 30, height: 3 }])).toEqual({ x: 4, y: 2, width: 2, height: 2 });
    // A mask over part of a row leaves that row's other changed pixels counted.
    expect(changedBox(a, b, [{ x: 0, y: 0, width: 21, height: 12 }])).toEqual({ x: 21, y: 8, width: 2, height: 3 });
    expect(changedBox(a, b, [{ x: 0, y: 0, width: 30, height: 12 }])).toBeUndefined();
  });
});
