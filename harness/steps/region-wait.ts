/**
 * The region-golden branch of a screen wait. A golden with a sidecar `<golden>.regions.yaml`
 * matches when all its areas are found (screen/region-golden.ts); the match says where each area
 * was found and where a click on it goes, for the report and the next click step. Other goldens
 * of the same wait keep their whole-screen comparison. The pointer's box is left out of every
 * comparison. A miss fails with the best candidate's scores and leaves for review the closest
 * frame (`-actual`), the golden (`-expected`), the frame with each area's search window and best
 * candidate drawn (`-diff`), and the golden with the areas' pixels taken from the frame where they
 * were found (`-areas`), which `bootgate accept` writes; an update mode writes that too, never the
 * sidecar.
 */
import { readYamlFile } from '../config/yaml-file.js';
import type { Pattern } from '../config/pattern.js';
import { WaitTimeoutError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';
import { GoldenComparer, type CompareOptions } from '../screen/compare-screens.js';
import type { Golden } from '../screen/golden-store.js';
import { pointerBox } from '../screen/pointer-box.js';
import { checkRegionSpec, RegionMatcher, regionSpecSchema, updateAreas, type RegionSpec, type RegionsMatch } from '../screen/region-golden.js';
import { mismatchError, reviewClosest } from './closest-frame.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, SCREEN_INTERVALS } from './poll-until.js';
import { ScreenHold } from './screen-hold.js';
import type { RegionReport, StepContext, StepReport } from './step-context.js';

/** Each golden's sidecar, read and checked against its PNG; undefined for a whole-screen golden. */
export function regionSpecs(goldens: readonly Golden[]): (RegionSpec | undefined)[] {
  return goldens.map((g) => (g.image && g.sidecar ? checkRegionSpec(readYamlFile(g.sidecar, regionSpecSchema), g.image, g.sidecar) : undefined));
}

interface Candidate {
  readonly golden: Golden;
  readonly spec?: RegionSpec;
  readonly matcher?: RegionMatcher;
  readonly comparer?: GoldenComparer;
  /** 0..1: how close the frame came (the worst area's similarity, or the share of equal pixels). */
  readonly score: number;
  readonly summary: string;
  readonly frame: RawImage;
  readonly regions?: RegionsMatch;
}

export interface RegionWait {
  readonly ctx: StepContext;
  readonly goldens: readonly Golden[];
  readonly specs: readonly (RegionSpec | undefined)[];
  readonly compare: CompareOptions & { readonly masks: readonly Rect[] };
  readonly timeoutMs: number;
  readonly label: string;
  readonly failOn?: readonly Pattern[];
  /** How long a match must hold before it counts (screen-hold.ts). */
  readonly holdMs: number;
}

export async function waitRegions({ ctx, goldens, specs, compare, timeoutMs, label, failOn, holdMs }: RegionWait): Promise<StepReport> {
  const hide = ctx.pointer ? pointerBox(ctx.pointer) : undefined;
  const masks = [...compare.masks, ...(hide ? [hide] : [])];
  const testers = goldens.map((golden, i): ((frame: RawImage) => Candidate & { match: boolean }) => {
    const spec = specs[i];
    if (spec) {
      const matcher = new RegionMatcher(golden.image!, spec);
      return (frame) => {
        const regions = matcher.match(frame, hide);
        return { golden, spec, matcher, frame, match: regions.match, score: Math.min(...regions.areas.map((a) => a.similarity)), summary: regions.summary, regions };
      };
    }
    const comparer = new GoldenComparer(golden.image!, { ...compare, masks });
    return (frame) => {
      const c = comparer.compare(frame);
      return { golden, comparer, frame, match: c.match, score: 1 - c.diffPixels / (frame.width * frame.height), summary: c.summary };
    };
  });
  const hold = new ScreenHold(ctx, holdMs, compare.masks);
  let best: Candidate | undefined;
  try {
    const hit = await pollUntil({
      machine: ctx.machine,
      signal: ctx.signal,
      timeoutMs,
      what: `screen to match ${goldens.map((g) => g.name).join(' or ')}`,
      intervals: SCREEN_INTERVALS,
      checkFailures: failureChecker(ctx, failOn, () => undefined),
      probe: async () => {
        const frame = await ctx.machine.screenshot();
        ctx.lastFrame = frame;
        for (const test of testers) {
          const candidate = test(frame);
          if (candidate.match) return (await hold.holds(frame, candidate.golden.name)) ? candidate : undefined;
          if (!best || candidate.score > best.score) best = candidate;
        }
        hold.missed();
        return undefined;
      },
      lastSeen: () => hold.waiting ?? (best ? `closest ${best.golden.name}: ${best.summary}` : 'no frame'),
    });
    const mark = ctx.machine.guestClock?.screenMark(hit.frame);
    const region = hit.regions && regionReport(hit.golden.name, hit.spec!, hit.regions, hit.frame);
    if (region) ctx.lastRegion = region;
    const shot = await ctx.artifacts.image(label, hit.frame);
    let note: string | undefined;
    if (ctx.goldens.mode === 'all' && hit.spec && hit.score < 1) note = `golden areas rewritten: ${await writeAreas(ctx, hit)}`;
    return { matched: hit.golden.name, ...(note ? { note } : {}), ...(region ? { region } : {}), artifacts: [shot], ...(mark ? { guest: { kind: 'match' as const, mark } } : {}) };
  } catch (error) {
    if (!(error instanceof WaitTimeoutError) || !best) throw error;
    const closest = best;
    const review = await reviewClosest(ctx, closest, masks, timeoutMs);
    if (closest.spec && ctx.goldens.mayWrite('changed')) {
      return { matched: closest.golden.name, note: `golden areas updated from the closest frame of the wait: ${await writeAreas(ctx, closest)} (was: ${review.summary})` };
    }
    const diff = closest.matcher ? closest.matcher.diff(closest.frame, closest.regions!, hide) : closest.comparer!.diff(closest.frame);
    const areas = closest.spec && updateAreas(closest.golden.image!, closest.frame, closest.spec, closest.regions!.areas);
    throw await mismatchError(ctx, label, closest, review, diff, areas);
  }
}

async function writeAreas(ctx: StepContext, c: Candidate): Promise<string> {
  return (await ctx.goldens.write(c.golden.name, updateAreas(c.golden.image!, c.frame, c.spec!, c.regions!.areas))).file;
}

function regionReport(golden: string, spec: RegionSpec, regions: RegionsMatch, frame: RawImage): RegionReport {
  return {
    golden,
    frame: { width: frame.width, height: frame.height },
    areas: regions.areas.map((m, i) => ({ x: m.x, y: m.y, width: spec.areas[i]!.width, height: spec.areas[i]!.height, similarity: Number(m.similarity.toFixed(4)), found: m.found })),
    click: regions.click,
  };
}
