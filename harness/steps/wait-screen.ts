/**
 * Waits until the screen matches one of its goldens and reports which. When no golden matches in
 * time, the best candidate's actual, expected and diff frames go to the report folder. Writing a
 * golden (update modes) only ever uses a stable frame: two consecutive shots a second apart that
 * agree outside the masks (a countdown or a clock never stops changing).
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { ScreenMismatchError, WaitTimeoutError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import type { Pattern } from '../config/pattern.js';
import { sameFrame, type Rect } from '../machine/same-frame.js';
import { GoldenComparer, type Comparison } from '../screen/compare-screens.js';
import type { Golden } from '../screen/golden-store.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, SCREEN_INTERVALS } from './poll-until.js';
import { regionSpecs, waitRegions } from './region-wait.js';
import type { StepContext, StepReport } from './step-context.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';

const STABLE_GAP_MS = 1000;

/** pixelmatch's per-pixel colour distance; its own default. */
const DEFAULT_THRESHOLD = 0.1;

const rectSchema = z.strictObject({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** A golden's name, or the goldens any of which the screen must match and how closely. */
const screenMatchSchema = z.union([
  goldenNameSchema.transform((golden) => ({ anyOf: [golden], threshold: DEFAULT_THRESHOLD, masks: [] as Rect[], maxDiffPixels: undefined as number | undefined, maxDiffPixelRatio: undefined as number | undefined })),
  z
    .strictObject({
      golden: goldenNameSchema.optional(),
      anyOf: z.array(goldenNameSchema).min(1).optional(),
      /** pixelmatch's per-pixel colour threshold, 0..1. */
      threshold: z.number().min(0).max(1).default(DEFAULT_THRESHOLD),
      maxDiffPixels: z.number().int().min(0).optional(),
      maxDiffPixelRatio: z.number().min(0).max(1).optional(),
      masks: z.array(rectSchema).default([]),
    })
    .refine((s) => (s.golden ? 1 : 0) + (s.anyOf ? 1 : 0) === 1, { message: 'give either golden or anyOf' })
    .transform(({ golden, anyOf, ...rest }) => ({ ...rest, anyOf: anyOf ?? [golden!] })),
]);

type ScreenMatchData = z.output<typeof screenMatchSchema>;

export const waitScreenStep = defineStep({
  key: 'waitScreen',
  schema: screenMatchSchema,
  wait: true,
  run: (ctx, spec, step, label) => waitScreen(ctx, spec, waitTimeoutMs(ctx, step), label, step.failOn),
  describe: (spec) => `wait for screen ${spec.anyOf.join(' | ')}`,
});

async function waitScreen(ctx: StepContext, spec: ScreenMatchData, timeoutMs: number, label: string, failOn?: readonly Pattern[]): Promise<StepReport> {
  const goldens = await Promise.all(spec.anyOf.map((name) => ctx.goldens.load(name)));
  const missing = goldens.filter((g) => !g.image);
  if (missing.length > 0) return createMissing(ctx, missing, spec.masks, timeoutMs, label, failOn);
  const specs = regionSpecs(goldens);
  if (specs.some(Boolean)) return waitRegions({ ctx, goldens, specs, compare: spec, timeoutMs, label, failOn });

  const comparers = goldens.map((golden) => ({ golden, comparer: new GoldenComparer(golden.image!, spec) }));
  let best: { golden: Golden; comparer: GoldenComparer; comparison: Comparison; frame: RawImage } | undefined;
  let previous: RawImage | undefined;
  let stable = false;
  const checkFailures = failureChecker(ctx, failOn, () => undefined);
  try {
    const hit = await pollUntil({
      machine: ctx.machine,
      signal: ctx.signal,
      timeoutMs,
      what: `screen to match ${spec.anyOf.join(' or ')}`,
      intervals: SCREEN_INTERVALS,
      checkFailures,
      probe: async () => {
        const frame = await ctx.machine.screenshot();
        ctx.lastFrame = frame;
        stable = previous !== undefined && sameFrame(previous, frame, spec.masks);
        previous = frame;
        for (const { golden, comparer } of comparers) {
          const comparison = comparer.compare(frame);
          if (comparison.match) return { golden, comparison, frame };
          if (!best || comparison.diffPixels < best.comparison.diffPixels) best = { golden, comparer, comparison, frame };
        }
        return undefined;
      },
      lastSeen: () => (best ? `closest ${best.golden.name}: ${best.comparison.summary}` : 'no frame'),
    });
    // Before any await: an unchanged screen is the same frame object, and a filmstrip shot taken
    // meanwhile would move its mark to that later shot.
    const mark = ctx.machine.guestClock?.screenMark(hit.frame);
    const shot = await ctx.artifacts.image(`${label}`, hit.frame);
    let note: string | undefined;
    if (ctx.goldens.mode === 'all' && hit.comparison.diffPixels > 0) {
      note = `golden rewritten: ${await ctx.goldens.write(hit.golden.name, hit.frame)}`;
    }
    return { matched: hit.golden.name, ...(note ? { note } : {}), artifacts: [shot], ...(mark ? { guest: { kind: 'match' as const, mark } } : {}) };
  } catch (error) {
    if (!(error instanceof WaitTimeoutError) || !best) throw error;
    if (stable && ctx.goldens.mayWrite('changed')) {
      const path = await ctx.goldens.write(best.golden.name, best.frame);
      return { matched: best.golden.name, note: `golden updated: ${path} (was: ${best.comparison.summary})` };
    }
    const diff = best.comparer.diff(best.frame);
    const artifacts = {
      actual: await ctx.artifacts.image(`${label}-actual`, best.frame),
      expected: await ctx.artifacts.image(`${label}-expected`, best.golden.image!),
      ...(diff ? { diff: await ctx.artifacts.image(`${label}-diff`, diff) } : {}),
    };
    throw new ScreenMismatchError(best.golden.path, `${best.comparison.summary} after ${(timeoutMs / 1000).toFixed(1)} s`, artifacts);
  }
}

/** A golden is missing: in an update mode wait for a stable frame and write it; otherwise fail with the frame attached. */
async function createMissing(ctx: StepContext, missing: readonly Golden[], masks: readonly Rect[], timeoutMs: number, label: string, failOn?: readonly Pattern[]): Promise<StepReport> {
  const names = missing.map((g) => g.path).join(', ');
  if (!ctx.goldens.mayWrite('missing')) {
    const frame = await ctx.machine.screenshot();
    ctx.lastFrame = frame;
    const actual = await ctx.artifacts.image(`${label}-actual`, frame);
    throw new ScreenMismatchError(names, 'golden missing (run with --update-goldens=missing outside CI to create it)', { actual });
  }
  let previous: { frame: RawImage; at: number } | undefined;
  const frame = await pollUntil({
    machine: ctx.machine,
    signal: ctx.signal,
    timeoutMs,
    what: 'a stable screen to create the missing golden',
    intervals: [0, STABLE_GAP_MS],
    checkFailures: failureChecker(ctx, failOn, () => undefined),
    probe: async () => {
      const shot = await ctx.machine.screenshot();
      ctx.lastFrame = shot;
      const now = performance.now();
      const isStable = previous !== undefined && now - previous.at >= STABLE_GAP_MS && sameFrame(previous.frame, shot, masks);
      previous = { frame: shot, at: now };
      return isStable ? shot : undefined;
    },
    lastSeen: () => 'the screen kept changing',
  });
  // With several candidates missing there is no telling which one this frame is: create the first only.
  const written = await ctx.goldens.write(missing[0]!.name, frame);
  return { matched: missing[0]!.name, note: `golden created: ${written}`, artifacts: [await ctx.artifacts.image(label, frame)] };
}
