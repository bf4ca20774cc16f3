import { describe, expect, it } from 'vitest';
import { compareScreens, sameFrame } from '../../harness/screen/compare-screens.js';
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
