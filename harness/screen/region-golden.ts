/**
 * A region golden: a plain PNG golden plus a sidecar `<golden>.regions.yaml` naming the areas
 * that must match (each found within its margin, its search area or the whole screen) and the
 * areas to ignore. Without a sidecar a golden is a whole-screen golden, compared as before.
 *
 *   areas:
 *     - { x: 412, y: 300, width: 120, height: 40, margin: 50, similarity: 0.96, clickPoint: { x: 60, y: 20 } }
 *     - { x: 0, y: 0, width: 64, height: 24, searchArea: screen }
 *   excludes:
 *     - { x: 430, y: 310, width: 30, height: 10 }
 */
import { Document, isCollection } from 'yaml';
import * as z from 'zod';
import { ConfigError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { clickPointOf, findRegion, mostlyHidden, RegionTemplate, searchedRect, type RegionArea, type RegionMatch } from './find-region.js';
import { outlineBoxes, type Outline } from './outline-box.js';

export interface RegionSpec {
  readonly areas: readonly RegionArea[];
  readonly excludes: readonly Rect[];
}

const rect = z.strictObject({ x: z.number().int().min(0), y: z.number().int().min(0), width: z.number().int().min(1), height: z.number().int().min(1) });
const area = rect.extend({
  margin: z.number().int().min(0).optional(),
  searchArea: z.union([z.literal('screen'), rect]).optional(),
  similarity: z.number().min(0).max(1).optional(),
  clickPoint: z.strictObject({ x: z.number().int().min(0), y: z.number().int().min(0) }).optional(),
});

/** The sidecar's schema; whoever reads YAML files (the steps) reads it with this. */
export const regionSpecSchema = z.strictObject({ areas: z.array(area).min(1), excludes: z.array(rect).default([]) });

/** `shell.png` → `shell.regions.yaml`, beside it. */
export function regionSidecarPath(golden: string): string {
  return golden.replace(/\.png$/i, '') + '.regions.yaml';
}

/** Writes the sidecar of the golden PNG `golden` (atomically), one area or exclude a line as above; returns its path. */
export function writeRegionSidecar(golden: string, spec: RegionSpec): string {
  const doc = new Document(regionSpecSchema.parse(spec));
  for (const list of ['areas', 'excludes']) {
    const seq = doc.get(list);
    if (isCollection(seq)) for (const item of seq.items) if (isCollection(item)) item.flow = true;
  }
  const file = regionSidecarPath(golden);
  writeFileAtomic(file, doc.toString({ lineWidth: 0 })); // an area stays on one line, however many fields it has
  return file;
}

/** What the schema cannot see: every area, and its click point, must lie inside the golden. */
export function checkRegionSpec(spec: RegionSpec, image: RawImage, file: string): RegionSpec {
  spec.areas.forEach((a, i) => {
    if (a.x + a.width > image.width || a.y + a.height > image.height) {
      throw new ConfigError(`area ${a.width}×${a.height} at ${a.x},${a.y} is not inside the ${image.width}×${image.height} golden`, { file, field: `areas[${i}]` });
    }
    if (a.clickPoint && (a.clickPoint.x >= a.width || a.clickPoint.y >= a.height)) {
      throw new ConfigError(`clickPoint ${a.clickPoint.x},${a.clickPoint.y} is outside the ${a.width}×${a.height} area`, { file, field: `areas[${i}].clickPoint` });
    }
  });
  return spec;
}

export interface RegionsMatch {
  /** Every area was found. */
  readonly match: boolean;
  /** One per area, in the sidecar's order: where it was found, or the best candidate and its score. */
  readonly areas: readonly RegionMatch[];
  /** Where a click goes: the first area with a click point, else the first area's centre. */
  readonly click: { readonly x: number; readonly y: number };
  readonly summary: string;
}

/** A golden's areas against many frames (a wait): the templates are cut once. */
export class RegionMatcher {
  private readonly templates: readonly RegionTemplate[];

  constructor(
    golden: RawImage,
    readonly spec: RegionSpec,
  ) {
    this.templates = spec.areas.map((area) => new RegionTemplate(golden, area, spec.excludes));
  }

  /** Where each area is on the frame; `hide` (the pointer's box, in the frame's pixels) is left out of every area it overlaps. */
  match(frame: RawImage, hide?: Rect): RegionsMatch {
    const areas = this.templates.map((t) => findRegion(frame, t, hide));
    const clickIndex = Math.max(0, this.spec.areas.findIndex((a) => a.clickPoint));
    const summary = areas
      .map((m, i) => {
        const a = this.spec.areas[i]!;
        const where = m.x === a.x && m.y === a.y ? `at ${m.x},${m.y}` : `at ${m.x},${m.y} (recorded ${a.x},${a.y})`;
        const hidden = !m.found && hide && mostlyHidden(a, hide) ? ` (most of it is under the pointer's cursor, left out at ${hide.x},${hide.y} ${hide.width}×${hide.height}: move the pointer away first)` : '';
        return `area ${i + 1} ${m.found ? 'found' : 'not found, best candidate'} ${where}, similarity ${m.similarity.toFixed(3)}${hidden}`;
      })
      .join('; ');
    return { match: areas.every((m) => m.found), areas, click: clickPointOf(areas[clickIndex]!, this.spec.areas[clickIndex]!), summary };
  }

  /**
   * The review picture of a miss: the frame with each area's search window in blue and its best
   * candidate in green (found) or red (not found), and the pointer's box, left out, in grey.
   */
  diff(frame: RawImage, found: RegionsMatch, hide?: Rect): RawImage {
    const outlines: Outline[] = [];
    this.templates.forEach((t) => {
      const searched = searchedRect(frame, t);
      if (searched) outlines.push({ box: searched, colour: [0x30, 0x60, 0xff, 0xff] });
    });
    if (hide) outlines.push({ box: hide, colour: [0x90, 0x90, 0x90, 0xff] });
    found.areas.forEach((m, i) => {
      const a = this.spec.areas[i]!;
      outlines.push({ box: { x: m.x, y: m.y, width: a.width, height: a.height }, colour: m.found ? [0x00, 0xc0, 0x00, 0xff] : [0xff, 0x00, 0x00, 0xff] });
    });
    return outlineBoxes(frame, outlines);
  }
}

/**
 * What an update writes for a region golden: the old golden with the frame's pixels copied in
 * over each area, from where it was found (else from where it was recorded) to where it was
 * recorded; the rest of the golden and the sidecar stay as they are.
 */
export function updateAreas(golden: RawImage, frame: RawImage, spec: RegionSpec, found: readonly RegionMatch[]): RawImage {
  const data = new Uint8Array(golden.data);
  spec.areas.forEach((a, i) => {
    const match = found[i];
    const from = match?.found ? match : a;
    for (let row = 0; row < a.height; row++) {
      const fy = from.y + row;
      if (fy < 0 || fy >= frame.height) continue;
      const x0 = Math.max(0, from.x);
      const x1 = Math.min(frame.width, from.x + a.width);
      if (x1 <= x0) continue;
      data.set(frame.data.subarray((fy * frame.width + x0) * 4, (fy * frame.width + x1) * 4), ((a.y + row) * golden.width + a.x + (x0 - from.x)) * 4);
    }
  });
  return { width: golden.width, height: golden.height, data };
}
