/**
 * The region-golden branch of a screen wait. A golden with a sidecar `<golden>.regions.yaml`
 * matches when all its areas are found (screen/region-golden.ts); the match says where each area
 * was found and where a click on it goes, for the report and the next click step. Other goldens
 * of the same wait keep their whole-screen comparison. A miss fails with the best candidate's
 * scores and saves the frame; an update mode rewrites the areas' pixels only, never the sidecar.
 */
import { readYamlFile } from '../config/yaml-file.js';
import type { Pattern } from '../config/pattern.js';
import { ScreenMismatchError, WaitTimeoutError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import { sameFrame, type Rect } from '../machine/same-frame.js';
import { GoldenComparer, type CompareOptions } from '../screen/compare-screens.js';
import type { Golden } from '../screen/golden-store.js';
import { checkRegionSpec, RegionMatcher, regionSpecSchema, updateAreas, type RegionSpec, type RegionsMatch } from '../screen/region-golden.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, SCREEN_INTERVALS } from './poll-until.js';
import type { RegionReport, StepContext, StepReport } from './step-context.js';

/** Each golden's sidecar, read and checked against its PNG; undefined for a whole-screen golden. */
export function regionSpecs(goldens: readonly Golden[]): (RegionSpec | undefined)[] {
  return goldens.map((g) => (g.image && g.sidecar ? checkRegionSpec(readYamlFile(g.sidecar, regionSpecSchema), g.image, g.sidecar) : undefined));
}

interface Candidate {
  readonly golden: Golden;
  readonly spec?: RegionSpec;
  /** 0..1: how close the frame came (the worst area's similarity, or the share of equal pixels). */
  score: number;
  summary: string;
  frame?: RawImage;
  regions?: RegionsMatch;
}

export interface RegionWait {
  readonly ctx: StepContext;
  readonly goldens: readonly Golden[];
  readonly specs: readonly (RegionSpec | undefined)[];
  readonly compare: CompareOptions & { readonly masks: readonly Rect[] };
  readonly timeoutMs: number;
  readonly label: string;
  readonly failOn?: readonly Pattern[];
}

export async function waitRegions({ ctx, goldens, specs, compare, timeoutMs, label, failOn }: RegionWait): Promise<StepReport> {
  const testers = goldens.map((golden, i) => {
    const spec = specs[i];
    if (spec) {
      const matcher = new RegionMatcher(golden.image!, spec);
      return (frame: RawImage) => {
        const regions = matcher.match(frame);
        return { match: regions.match, score: Math.min(...regions.areas.map((a) => a.similarity)), summary: regions.summary, regions };
      };
    }
    const comparer = new GoldenComparer(golden.image!, compare);
    return (frame: RawImage) => {
      const c = comparer.compare(frame);
      return { match: c.match, score: 1 - c.diffPixels / (frame.width * frame.height), summary: c.summary, regions: undefined };
    };
  });
  let best: Candidate | undefined;
  let previous: RawImage | undefined;
  let stable = false;
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
        stable = previous !== undefined && sameFrame(previous, frame, compare.masks);
        previous = frame;
        for (const [i, test] of testers.entries()) {
          const result = test(frame);
          const candidate: Candidate = { golden: goldens[i]!, spec: specs[i], ...result, frame };
          if (result.match) return candidate;
          if (!best || result.score > best.score) best = candidate;
        }
        return undefined;
      },
      lastSeen: () => (best ? `closest ${best.golden.name}: ${best.summary}` : 'no frame'),
    });
    const mark = ctx.machine.guestClock?.screenMark(hit.frame!);
    const region = hit.regions && regionReport(hit.golden.name, hit.spec!, hit.regions, hit.frame!);
    if (region) ctx.lastRegion = region;
    const shot = await ctx.artifacts.image(label, hit.frame!);
    let note: string | undefined;
    if (ctx.goldens.mode === 'all' && hit.spec && hit.score < 1) note = `golden areas rewritten: ${await writeAreas(ctx, hit)}`;
    return { matched: hit.golden.name, ...(note ? { note } : {}), ...(region ? { region } : {}), artifacts: [shot], ...(mark ? { guest: { kind: 'match' as const, mark } } : {}) };
  } catch (error) {
    if (!(error instanceof WaitTimeoutError) || !best?.frame) throw error;
    if (best.spec && stable && ctx.goldens.mayWrite('changed')) {
      return { matched: best.golden.name, note: `golden areas updated: ${await writeAreas(ctx, best)} (was: ${best.summary})` };
    }
    const actual = await ctx.artifacts.image(`${label}-actual`, best.frame);
    const expected = await ctx.artifacts.image(`${label}-expected`, best.golden.image!);
    throw new ScreenMismatchError(best.golden.path, `${best.summary} after ${(timeoutMs / 1000).toFixed(1)} s`, { actual, expected });
  }
}

async function writeAreas(ctx: StepContext, c: Candidate): Promise<string> {
  return (await ctx.goldens.write(c.golden.name, updateAreas(c.golden.image!, c.frame!, c.spec!, c.regions!.areas))).file;
}

function regionReport(golden: string, spec: RegionSpec, regions: RegionsMatch, frame: RawImage): RegionReport {
  return {
    golden,
    frame: { width: frame.width, height: frame.height },
    areas: regions.areas.map((m, i) => ({ x: m.x, y: m.y, width: spec.areas[i]!.width, height: spec.areas[i]!.height, similarity: Number(m.similarity.toFixed(4)), found: m.found })),
    click: regions.click,
  };
}
