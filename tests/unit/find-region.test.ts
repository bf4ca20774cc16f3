import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import { findRegion, RegionTemplate, type RegionArea } from '../../harness/screen/find-region.js';
import { checkRegionSpec, regionSidecarPath, regionSpecSchema, RegionMatcher, updateAreas, type RegionSpec } from '../../harness/screen/region-golden.js';
import { pointerBox } from '../../harness/screen/pointer-box.js';
import { copyImage, desktop, drawButton, fillRect } from '../support/region-frames.js';

const BUTTON: RegionArea = { x: 450, y: 360, width: 120, height: 40 };
const golden = desktop(1024, 768);
drawButton(golden, BUTTON.x, BUTTON.y);

/** The golden's desktop with the button drawn elsewhere (or nowhere). */
function frameWithButtonAt(x?: number, y?: number) {
  const frame = desktop(1024, 768);
  if (x !== undefined && y !== undefined) drawButton(frame, x, y);
  return frame;
}

describe('findRegion', () => {
  it('finds the area where it was recorded, exactly', () => {
    expect(findRegion(golden, new RegionTemplate(golden, BUTTON))).toEqual({ found: true, x: 450, y: 360, similarity: 1 });
  });

  it('finds the area moved within its margin, at any offset, not only block-aligned ones', () => {
    const template = new RegionTemplate(golden, BUTTON);
    for (const [dx, dy] of [[30, 0], [-33, 17], [49, -50], [1, 1], [-7, 45]] as const) {
      const match = findRegion(frameWithButtonAt(BUTTON.x + dx, BUTTON.y + dy), template);
      expect(match).toEqual({ found: true, x: BUTTON.x + dx, y: BUTTON.y + dy, similarity: 1 });
    }
  });

  it('does not find it beyond the margin, but does in a search area or on the whole screen', () => {
    const frame = frameWithButtonAt(100, 600);
    const miss = findRegion(frame, new RegionTemplate(golden, BUTTON));
    expect(miss.found).toBe(false);
    expect(miss.similarity).toBeLessThan(0.96);
    expect(findRegion(frame, new RegionTemplate(golden, { ...BUTTON, searchArea: 'screen' }))).toMatchObject({ found: true, x: 100, y: 600 });
    expect(findRegion(frame, new RegionTemplate(golden, { ...BUTTON, searchArea: { x: 50, y: 550, width: 300, height: 150 } }))).toMatchObject({ found: true, x: 100, y: 600 });
    expect(findRegion(frame, new RegionTemplate(golden, { ...BUTTON, margin: 400 }))).toMatchObject({ found: true, x: 100, y: 600 });
  });

  it('reports the best candidate and its score when the area is absent or changed', () => {
    const absent = findRegion(frameWithButtonAt(), new RegionTemplate(golden, BUTTON));
    expect(absent.found).toBe(false);
    expect(Math.abs(absent.x - BUTTON.x)).toBeLessThanOrEqual(50);
    expect(Math.abs(absent.y - BUTTON.y)).toBeLessThanOrEqual(50);
    expect(absent.similarity).toBeGreaterThan(0);
    expect(absent.similarity).toBeLessThan(0.9);
    // The same button with its label changed: found where it is, scored below the threshold.
    const changed = frameWithButtonAt(BUTTON.x + 20, BUTTON.y + 10);
    drawButton(changed, BUTTON.x + 20, BUTTON.y + 10, 99);
    const best = findRegion(changed, new RegionTemplate(golden, BUTTON));
    // A different label may line up a pixel better next to the button: the candidate is the button, give or take one.
    expect(best.found).toBe(false);
    expect(Math.abs(best.x - (BUTTON.x + 20))).toBeLessThanOrEqual(1);
    expect(Math.abs(best.y - (BUTTON.y + 10))).toBeLessThanOrEqual(1);
    expect(best.similarity).toBeGreaterThan(0.7);
    expect(best.similarity).toBeLessThan(0.96);
    // A lower threshold accepts that candidate.
    expect(findRegion(changed, new RegionTemplate(golden, { ...BUTTON, similarity: 0.7 }))).toMatchObject({ found: true, x: best.x, y: best.y, similarity: best.similarity });
  });

  it('ignores excluded pixels inside an area', () => {
    const frame = frameWithButtonAt(BUTTON.x + 12, BUTTON.y - 9);
    const clock = { x: BUTTON.x + 80, y: BUTTON.y + 5, width: 40, height: 30 };
    fillRect(frame, clock.x + 12, clock.y - 9, clock.width, clock.height, [255, 0, 0]);
    expect(findRegion(frame, new RegionTemplate(golden, BUTTON)).found).toBe(false);
    expect(findRegion(frame, new RegionTemplate(golden, BUTTON, [clock]))).toEqual({ found: true, x: BUTTON.x + 12, y: BUTTON.y - 9, similarity: 1 });
  });

  it('an area the pointer hides all but a corner of is no match: what shows of it would match before the guest drew anything', () => {
    // A 24×20 checkbox under the cursor where the last click left it; the frame shows it unticked.
    const box = { x: 300, y: 200, width: 24, height: 20 };
    const ticked = copyImage(golden);
    fillRect(ticked, box.x + 4, box.y + 4, 16, 12, [0, 0, 0]);
    const unticked = copyImage(golden);
    const hide = pointerBox({ x: box.x + 12, y: box.y + 10 });
    const template = new RegionTemplate(ticked, { ...box, margin: 0 });
    expect(findRegion(unticked, template, hide).found).toBe(false);
    expect(findRegion(ticked, template, hide).found).toBe(false);
    // Away from the pointer it is compared, ticked or not.
    expect(findRegion(ticked, template).found).toBe(true);
    expect(findRegion(unticked, template).found).toBe(false);
    // A wait that times out on it says why.
    const spec = regionSpecSchema.parse({ areas: [{ ...box, margin: 0 }] });
    expect(new RegionMatcher(ticked, spec).match(unticked, hide).summary).toMatch(/most of it is under the pointer's cursor, left out at 296,194 48×48: move the pointer away first/);
    // A button the cursor covers a third of is still compared on the rest.
    expect(findRegion(golden, new RegionTemplate(golden, BUTTON), pointerBox({ x: BUTTON.x + 60, y: BUTTON.y + 20 }))).toMatchObject({ found: true, x: BUTTON.x, y: BUTTON.y });
  });

  it('an area the size of the screen, with a strict threshold, matches only the same screen (RMS dilutes a small change over a large area)', () => {
    const whole = new RegionTemplate(golden, { x: 0, y: 0, width: 1024, height: 768, similarity: 0.999 });
    expect(findRegion(copyImage(golden), whole)).toEqual({ found: true, x: 0, y: 0, similarity: 1 });
    expect(findRegion(frameWithButtonAt(BUTTON.x + 30, BUTTON.y), whole).found).toBe(false);
  });

  it('does not find an area that cannot fit on a smaller frame', () => {
    expect(findRegion(desktop(640, 480), new RegionTemplate(golden, { ...BUTTON, x: 900, y: 700, margin: 0 }))).toMatchObject({ found: false, similarity: 0 });
  });
});

describe('region goldens', () => {
  const spec: RegionSpec = {
    areas: [{ ...BUTTON, clickPoint: { x: 10, y: 5 } }, { x: 0, y: 0, width: 64, height: 24, searchArea: 'screen' }],
    excludes: [],
  };

  it('reports every area, and clicks at the click point of where the area was found', () => {
    const frame = frameWithButtonAt(BUTTON.x - 25, BUTTON.y + 31);
    const result = new RegionMatcher(golden, spec).match(frame);
    expect(result.match).toBe(true);
    expect(result.areas[0]).toMatchObject({ found: true, x: BUTTON.x - 25, y: BUTTON.y + 31 });
    expect(result.click).toEqual({ x: BUTTON.x - 25 + 10, y: BUTTON.y + 31 + 5 });
    const missing = new RegionMatcher(golden, spec).match(frameWithButtonAt());
    expect(missing.match).toBe(false);
    expect(missing.summary).toMatch(/^area 1 not found, best candidate at \d+,\d+ \(recorded 450,360\), similarity 0\.\d{3}; area 2 found at 0,0/);
  });

  it('reads the sidecar beside the golden and refuses areas outside it, naming the field', () => {
    expect(regionSidecarPath('/g/shell.png')).toBe('/g/shell.regions.yaml');
    const parsed = regionSpecSchema.parse({ areas: [{ x: 1000, y: 0, width: 120, height: 40 }] });
    expect(parsed.excludes).toEqual([]);
    expect(() => checkRegionSpec(parsed, golden, '/g/shell.regions.yaml')).toThrow(ConfigError);
    expect(() => checkRegionSpec(parsed, golden, '/g/shell.regions.yaml')).toThrow(/^\/g\/shell\.regions\.yaml: areas\[0\]: /);
    expect(regionSpecSchema.safeParse({ areas: [{ ...BUTTON, similarity: 2 }] }).success).toBe(false);
    expect(() => checkRegionSpec({ areas: [{ ...BUTTON, clickPoint: { x: 120, y: 0 } }], excludes: [] }, golden, 'f')).toThrow(/areas\[0\]\.clickPoint/);
  });

  it('updates only the areas of the golden, taken from where they were found', () => {
    const frame = frameWithButtonAt(BUTTON.x + 30, BUTTON.y);
    drawButton(frame, BUTTON.x + 30, BUTTON.y, 99);
    fillRect(frame, 0, 0, 1024, 100, [255, 0, 0]); // outside the area: must not reach the golden
    const moved = { found: true, x: BUTTON.x + 30, y: BUTTON.y, similarity: 1 };
    const updated = updateAreas(golden, frame, { areas: [BUTTON], excludes: [] }, [moved]);
    const expected = copyImage(golden);
    drawButton(expected, BUTTON.x, BUTTON.y, 99);
    expect(Buffer.from(updated.data).equals(Buffer.from(expected.data))).toBe(true);
  });
});
