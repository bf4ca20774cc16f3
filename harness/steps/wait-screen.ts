/**
 * Waits until the screen matches one of its goldens and reports which. When no golden matches in
 * time, the best candidate's actual, expected and diff frames go to the report folder. Writing a
 * golden (update modes) only ever uses a settled frame (settle-screen.ts): the screen as it is
 * now, once it has held still, never the closest frame seen earlier.
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { ScreenMismatchError, ScreenUnstableError, WaitTimeoutError } from '../errors.js';

import type { RawImage } from '../machine/raw-image.js';
import type { Pattern } from '../config/pattern.js';
import type { Rect } from '../machine/same-frame.js';
import { GoldenComparer, type Comparison } from '../screen/compare-screens.js';
import type { Golden, GoldenRecord } from '../screen/golden-store.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, SCREEN_INTERVALS } from './poll-until.js';
import { DEFAULT_SETTLE_MS, rectSchema, settledFrame, settleSchema } from './settle-screen.js';
import { regionSpecs, waitRegions } from './region-wait.js';
import type { StepContext, StepReport } from './step-context.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';

/** pixelmatch's per-pixel colour distance; its own default. */
const DEFAULT_THRESHOLD = 0.1;


/** A golden's name, or the goldens any of which the screen must match and how closely. */
const screenMatchSchema = z.union([
  goldenNameSchema.transform((golden) => ({
    anyOf: [golden],
    threshold: DEFAULT_THRESHOLD,
    masks: [] as Rect[],
    maxDiffPixels: undefined as number | undefined,
    maxDiffPixelRatio: undefined as number | undefined,
    settle: undefined as number | undefined,
    allowBlank: false,
  })),
  z
    .strictObject({
      golden: goldenNameSchema.optional(),
      anyOf: z.array(goldenNameSchema).min(1).optional(),
      /** pixelmatch's per-pixel colour threshold, 0..1. */
      threshold: z.number().min(0).max(1).default(DEFAULT_THRESHOLD),
      maxDiffPixels: z.number().int().min(0).optional(),
      maxDiffPixelRatio: z.number().min(0).max(1).optional(),
      masks: z.array(rectSchema).default([]),
      ...settleSchema,
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
  goldens: (spec) => spec.anyOf,
  describe: (spec) => `wait for screen ${spec.anyOf.join(' | ')}`,
});

async function waitScreen(ctx: StepContext, spec: ScreenMatchData, timeoutMs: number, label: string, failOn?: readonly Pattern[]): Promise<StepReport> {
  const goldens = await Promise.all(spec.anyOf.map((name) => ctx.goldens.load(name)));
  const missing = goldens.filter((g) => !g.image);
  if (missing.length > 0) return createMissing(ctx, missing, spec, timeoutMs, label, failOn);
  const specs = regionSpecs(goldens);
  if (specs.some(Boolean)) return waitRegions({ ctx, goldens, specs, compare: spec, timeoutMs, label, failOn });

  const comparers = goldens.map((golden) => ({ golden, comparer: new GoldenComparer(golden.image!, spec) }));
  let best: { golden: Golden; comparer: GoldenComparer; comparison: Comparison; frame: RawImage } | undefined;
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
    const rewritten = ctx.goldens.mode === 'all' && hit.comparison.diffPixels > 0 ? await writeGolden(ctx, hit.golden, spec, timeoutMs, label, failOn) : undefined;
    return {
      matched: hit.golden.name,
      ...(rewritten ? { note: `golden rewritten: ${rewritten.file}`, goldens: [rewritten] } : {}),
      artifacts: [shot],
      ...(mark ? { guest: { kind: 'match' as const, mark } } : {}),
    };
  } catch (error) {
    if (!(error instanceof WaitTimeoutError) || !best) throw error;
    if (ctx.goldens.mayWrite('changed')) {
      // The screen as it is now, once still: the closest frame seen may be long gone.
      const updated = await writeGolden(ctx, best.golden, spec, timeoutMs, label, failOn);
      return { matched: best.golden.name, note: `golden updated: ${updated.file} (was: ${best.comparison.summary})`, goldens: [updated], artifacts: [updated.actual] };
    }
    // The screen as it is now, once still, is what a person accepts: the closest frame seen may be a passing one.
    const now = await reviewFrame(ctx, spec, settleTimeout(spec, 0), label, best.golden.name, failOn);
    const diff = best.comparer.diff(now);
    const artifacts = {
      actual: await ctx.artifacts.image(`${label}-actual`, now),
      expected: await ctx.artifacts.image(`${label}-expected`, best.golden.image!),
      ...(diff ? { diff: await ctx.artifacts.image(`${label}-diff`, diff) } : {}),
    };
    throw new ScreenMismatchError(best.golden.path, `${best.comparison.summary} after ${(timeoutMs / 1000).toFixed(1)} s`, artifacts, {
      name: best.golden.name,
      file: ctx.goldens.ownPath(best.golden.name),
      status: 'mismatch',
    });
  }
}

/** A golden is missing: in an update mode wait for a settled frame and write it; otherwise fail with that frame attached. */
async function createMissing(ctx: StepContext, missing: readonly Golden[], spec: ScreenMatchData, timeoutMs: number, label: string, failOn?: readonly Pattern[]): Promise<StepReport> {
  // With several candidates missing there is no telling which one this frame is: create the first only.
  const golden = missing[0]!;
  if (ctx.goldens.mayWrite('missing')) {
    const created = await writeGolden(ctx, golden, spec, timeoutMs, label, failOn);
    return { matched: golden.name, note: `golden created: ${created.file}`, goldens: [created], artifacts: [created.actual] };
  }
  const frame = await reviewFrame(ctx, spec, timeoutMs, label, golden.name, failOn);
  const actual = await ctx.artifacts.image(`${label}-actual`, frame);
  throw new ScreenMismatchError(missing.map((g) => g.path).join(', '), 'golden missing (run with --update-goldens=missing outside CI to create it, or bootgate accept the report)', { actual }, {
    name: golden.name,
    file: ctx.goldens.ownPath(golden.name),
    status: 'missing',
  });
}

/** The frame to accept from the report: a settled one when the screen settles, else the last. */
async function reviewFrame(ctx: StepContext, spec: ScreenMatchData, timeoutMs: number, label: string, golden: string, failOn?: readonly Pattern[]): Promise<RawImage> {
  return settledFrame(ctx, { ...settleOptions(spec, timeoutMs, label), what: `a frame for ${golden}`, ...(failOn ? { failOn } : {}) }).catch((e: unknown) => {
    if (ctx.lastFrame && (e instanceof ScreenUnstableError || e instanceof WaitTimeoutError)) return ctx.lastFrame;
    throw e;
  });
}

/** Time for the screen to settle even when the wait before used up the step's timeout. */
function settleTimeout(spec: ScreenMatchData, timeoutMs: number): number {
  return Math.max(timeoutMs, 3 * (spec.settle ?? DEFAULT_SETTLE_MS));
}

/** Waits for the screen to settle and writes it as the golden. */
async function writeGolden(ctx: StepContext, golden: Golden, spec: ScreenMatchData, timeoutMs: number, label: string, failOn?: readonly Pattern[]): Promise<GoldenRecord> {
  const frame = await settledFrame(ctx, { ...settleOptions(spec, settleTimeout(spec, timeoutMs), label), what: `golden ${golden.name}`, ...(failOn ? { failOn } : {}) });
  const { file, status } = await ctx.goldens.write(golden.name, frame);
  return { name: golden.name, file, status, actual: await ctx.artifacts.image(label, frame), ...(golden.image ? { expected: await ctx.artifacts.image(`${label}-was`, golden.image) } : {}) };
}

function settleOptions(spec: ScreenMatchData, timeoutMs: number, label: string) {
  return { masks: spec.masks, timeoutMs, label, allowBlank: spec.allowBlank, ...(spec.settle !== undefined ? { settleMs: spec.settle } : {}) };
}
