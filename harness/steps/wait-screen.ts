/**
 * Waits until the screen matches one of its goldens and reports which. When no golden matches in
 * time, the closest frame of the wait is what the reported difference was measured on, so it is
 * the one kept as `-actual` (with `-expected` and `-diff`) and offered to `bootgate accept`; a
 * screen that moved on after it (a menu that counts down and boots) also leaves its last frame as
 * `-last`. An update mode writes a settled frame instead (settle-screen.ts): the screen as it is
 * now, once still, since a frame closest to an old golden may be a page half drawn. A missing
 * golden is recorded from a settled frame too, and on a graphical screen the note says which.
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { ScreenMismatchError, ScreenUnstableError, WaitTimeoutError } from '../errors.js';

import type { RawImage } from '../machine/raw-image.js';
import type { Pattern } from '../config/pattern.js';
import type { Rect } from '../machine/same-frame.js';
import { GoldenComparer, type Comparison } from '../screen/compare-screens.js';
import type { Golden, GoldenRecord } from '../screen/golden-store.js';
import { pointerBox } from '../screen/pointer-box.js';
import { mismatchError, reviewClosest } from './closest-frame.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, SCREEN_INTERVALS } from './poll-until.js';
import { DEFAULT_SETTLE_MS, rectSchema, settledFrame, settleSchema } from './settle-screen.js';
import { regionSpecs, waitRegions } from './region-wait.js';
import { ScreenHold } from './screen-hold.js';
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

export type ScreenMatchData = z.output<typeof screenMatchSchema>;

/** How a step waits for its screen: a plain waitScreen, or one a click, waitAny or repeat acts on. */
export interface ScreenWaitOptions {
  readonly timeoutMs: number;
  readonly label: string;
  readonly failOn?: readonly Pattern[];
  /** How long a match must hold before it counts (screen-hold.ts); 0 takes the first matching frame. */
  readonly holdMs: number;
  /** A click's golden: a missing one is not recorded, since a whole screen has nothing to click. */
  readonly needsAreas?: boolean;
}

export const waitScreenStep = defineStep({
  key: 'waitScreen',
  schema: screenMatchSchema,
  wait: true,
  run: (ctx, spec, step, label) => waitForScreen(ctx, spec, { timeoutMs: waitTimeoutMs(ctx, step), label, holdMs: step.hold ?? 0, ...(step.failOn ? { failOn: step.failOn } : {}) }),
  goldens: (spec) => spec.anyOf,
  describe: (spec) => `wait for screen ${spec.anyOf.join(' | ')}`,
});

export async function waitForScreen(ctx: StepContext, spec: ScreenMatchData, options: ScreenWaitOptions): Promise<StepReport> {
  const { timeoutMs, label, failOn } = options;
  const goldens = await Promise.all(spec.anyOf.map((name) => ctx.goldens.load(name)));
  const missing = goldens.filter((g) => !g.image);
  if (missing.length > 0) return createMissing(ctx, missing, spec, options);
  const specs = regionSpecs(goldens);
  if (specs.some(Boolean)) return waitRegions({ ctx, goldens, specs, compare: spec, timeoutMs, label, holdMs: options.holdMs, ...(failOn ? { failOn } : {}) });

  // The pointer's cursor is left out of both pictures: it is wherever the last pointer step left it.
  const masks = [...spec.masks, ...(ctx.pointer ? [pointerBox(ctx.pointer)] : [])];
  const comparers = goldens.map((golden) => ({ golden, comparer: new GoldenComparer(golden.image!, { ...spec, masks }) }));
  const hold = new ScreenHold(ctx, options.holdMs, spec.masks);
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
          if (comparison.match) {
            if (await hold.holds(frame, golden.name)) return { golden, comparison, frame };
            return undefined;
          }
          if (!best || comparison.diffPixels < best.comparison.diffPixels) best = { golden, comparer, comparison, frame };
        }
        hold.missed();
        return undefined;
      },
      lastSeen: () => hold.waiting ?? (best ? `closest ${best.golden.name}: ${best.comparison.summary}` : 'no frame'),
    });
    // Before any await: an unchanged screen is the same frame object, and a filmstrip shot taken
    // meanwhile would move its mark to that later shot.
    const mark = ctx.machine.guestClock?.screenMark(hit.frame);
    const shot = await ctx.artifacts.image(`${label}`, hit.frame);
    const rewritten = ctx.goldens.mode === 'all' && hit.comparison.diffPixels > 0 ? await writeFrame(ctx, hit.golden, hit.frame, label) : undefined;
    return {
      matched: hit.golden.name,
      ...(rewritten ? { note: `golden rewritten: ${rewritten.file}`, goldens: [rewritten] } : {}),
      artifacts: [shot],
      ...(mark ? { guest: { kind: 'match' as const, mark } } : {}),
    };
  } catch (error) {
    if (!(error instanceof WaitTimeoutError) || !best) throw error;
    const closest = { ...best, summary: best.comparison.summary };
    // A screen that moves on by itself: what was compared is the closest frame, not the one at the timeout.
    const review = await reviewClosest(ctx, closest, masks, timeoutMs);
    if (ctx.goldens.mayWrite('changed')) {
      // An update takes the screen as it is now, once still: the closest frame may be a half-drawn page. Review is what takes the closest.
      const now = await settle(ctx, spec, settleTimeout(spec, 0), label, closest.golden.name, failOn);
      const updated = await writeFrame(ctx, closest.golden, now, label);
      return { matched: closest.golden.name, note: `golden updated: ${updated.file} (was: ${review.summary})`, goldens: [updated], artifacts: [updated.actual] };
    }
    throw await mismatchError(ctx, label, closest, review, closest.comparer.diff(closest.frame));
  }
}

/**
 * A golden is missing: in an update mode wait for a settled frame and write it; otherwise fail
 * with that frame attached. A graphical screen holds still on its way too (an installer's empty
 * background before its list): the note says which frame was taken and why, for a person to
 * review. A click's golden is never guessed: a whole screen has no areas to click.
 */
async function createMissing(ctx: StepContext, missing: readonly Golden[], spec: ScreenMatchData, options: ScreenWaitOptions): Promise<StepReport> {
  const { timeoutMs, label, failOn } = options;
  // With several candidates missing there is no telling which one this frame is: create the first only.
  const golden = missing[0]!;
  if (options.needsAreas) {
    throw new ScreenMismatchError(golden.path, `golden missing, and a click needs one with areas: record it with bootgate repro (region ${golden.name} …), which also writes its ${golden.name}.regions.yaml (docs/region-matching.md)`);
  }
  const started = performance.now();
  const frame = await (ctx.goldens.mayWrite('missing') ? settle(ctx, spec, settleTimeout(spec, timeoutMs), label, golden.name, failOn) : reviewFrame(ctx, spec, timeoutMs, label, golden.name, failOn));
  const which = await whichFrame(ctx, frame, spec, performance.now() - started);
  if (ctx.goldens.mayWrite('missing')) {
    const created = await writeFrame(ctx, golden, frame, label);
    return { matched: golden.name, note: `golden created: ${created.file}${which}`, goldens: [created], artifacts: [created.actual] };
  }
  const actual = await ctx.artifacts.image(`${label}-actual`, frame);
  throw new ScreenMismatchError(missing.map((g) => g.path).join(', '), `golden missing (run with --update-goldens=missing outside CI to create it, or bootgate accept the report)${which}`, { actual }, {
    name: golden.name,
    file: ctx.goldens.ownPath(golden.name),
    status: 'missing',
  });
}

/** On a graphical screen, which frame a missing golden was taken from and why; nothing on a text screen, whose first still frame is the page. */
async function whichFrame(ctx: StepContext, frame: RawImage, spec: ScreenMatchData, tookMs: number): Promise<string> {
  if ((await ctx.machine.textScreen().catch(() => undefined)) !== undefined) return '';
  const settle = ((spec.settle ?? DEFAULT_SETTLE_MS) / 1000).toFixed(1);
  return `; the ${frame.width}×${frame.height} graphical screen was taken ${(tookMs / 1000).toFixed(1)} s into the step, the first frame that held still for ${settle} s: a GUI may hold still on its way (an empty background before a list), so review it, or record the golden with bootgate repro`;
}

/** The frame to accept from the report: a settled one when the screen settles, else the last. */
async function reviewFrame(ctx: StepContext, spec: ScreenMatchData, timeoutMs: number, label: string, golden: string, failOn?: readonly Pattern[]): Promise<RawImage> {
  return settle(ctx, spec, timeoutMs, label, golden, failOn).catch((e: unknown) => {
    if (ctx.lastFrame && (e instanceof ScreenUnstableError || e instanceof WaitTimeoutError)) return ctx.lastFrame;
    throw e;
  });
}

function settle(ctx: StepContext, spec: ScreenMatchData, timeoutMs: number, label: string, golden: string, failOn?: readonly Pattern[]): Promise<RawImage> {
  return settledFrame(ctx, {
    masks: spec.masks,
    timeoutMs,
    label,
    allowBlank: spec.allowBlank,
    what: `golden ${golden}`,
    ...(spec.settle !== undefined ? { settleMs: spec.settle } : {}),
    ...(failOn ? { failOn } : {}),
  });
}

/** Time for the screen to settle even when the wait before used up the step's timeout. */
function settleTimeout(spec: ScreenMatchData, timeoutMs: number): number {
  return Math.max(timeoutMs, 3 * (spec.settle ?? DEFAULT_SETTLE_MS));
}

/** Writes a frame as the golden, and what the report shows for review. */
async function writeFrame(ctx: StepContext, golden: Golden, frame: RawImage, label: string): Promise<GoldenRecord> {
  const { file, status } = await ctx.goldens.write(golden.name, frame);
  return { name: golden.name, file, status, actual: await ctx.artifacts.image(label, frame), ...(golden.image ? { expected: await ctx.artifacts.image(`${label}-was`, golden.image) } : {}) };
}
