/**
 * What a screen wait that timed out leaves for review, whole-screen or region golden alike: the
 * closest frame, on which the reported difference was measured (`-actual`), the golden
 * (`-expected`), the diff, and the frame at the timeout (`-last`) when the screen moved on after
 * the closest one by itself, so that `bootgate accept` takes what was compared.
 */
import { ScreenMismatchError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import { sameFrame, type Rect } from '../machine/same-frame.js';
import type { Golden } from '../screen/golden-store.js';
import { sizeMismatch } from '../screen/size-mismatch.js';
import type { StepContext } from './step-context.js';

export interface ClosestFrame {
  readonly golden: Golden;
  readonly frame: RawImage;
  /** How close it came, as the comparison put it. */
  readonly summary: string;
}

export interface ClosestReview {
  /** The summary, led by the sizes when the frame's differ from the golden's. */
  readonly summary: string;
  /** For the error: the summary, the wait's length, and whether the screen moved on. */
  readonly detail: string;
  readonly movedOn?: RawImage;
}

export async function reviewClosest(ctx: StepContext, closest: ClosestFrame, masks: readonly Rect[], timeoutMs: number): Promise<ClosestReview> {
  const sizes = await sizeMismatch(ctx.machine, closest.frame, closest.golden.image!);
  // A whole-screen comparison of two sizes says only that; a region search's scores still say where it looked.
  const summary = !sizes ? closest.summary : closest.summary.startsWith('size differs') ? sizes : `${sizes}; ${closest.summary}`;
  const movedOn = ctx.lastFrame && !sameFrame(closest.frame, ctx.lastFrame, masks) ? ctx.lastFrame : undefined;
  const detail = `${summary} after ${(timeoutMs / 1000).toFixed(1)} s${movedOn ? '; the screen moved on after the closest frame (kept as -actual; the last one is -last)' : ''}`;
  return { summary, detail, ...(movedOn ? { movedOn } : {}) };
}

/** Saves the review frames and returns the error that offers the closest frame (or `areas`, a region golden's) to `accept`. */
export async function mismatchError(ctx: StepContext, label: string, closest: ClosestFrame, review: ClosestReview, diff?: RawImage, areas?: RawImage): Promise<ScreenMismatchError> {
  const artifacts = {
    actual: await ctx.artifacts.image(`${label}-actual`, closest.frame),
    expected: await ctx.artifacts.image(`${label}-expected`, closest.golden.image!),
    ...(diff ? { diff: await ctx.artifacts.image(`${label}-diff`, diff) } : {}),
    ...(review.movedOn ? { last: await ctx.artifacts.image(`${label}-last`, review.movedOn) } : {}),
  };
  return new ScreenMismatchError(closest.golden.path, review.detail, artifacts, {
    name: closest.golden.name,
    file: ctx.goldens.ownPath(closest.golden.name),
    status: 'mismatch',
    ...(artifacts.last ? { last: artifacts.last } : {}),
    ...(areas ? { areas: await ctx.artifacts.image(`${label}-areas`, areas) } : {}),
  });
}
