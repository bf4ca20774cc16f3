/**
 * Saves the screen into the report folder under a name, without comparing it to anything. It is
 * evidence, not a check: it looks at the screen for its settle time and keeps the frame that
 * stayed longest (a shot taken at once catches pages half drawn), noting when the screen did not
 * hold still, and it never fails a job on its own. No failure pattern ends it: a guest that moves
 * on by itself after the last wait passed (iPXE's CD exiting to "No bootable device") is the next
 * step's business, and a blank screen will do.
 */
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import type { RawImage } from '../machine/raw-image.js';
import { changedBox, unionBox, type Rect } from '../machine/same-frame.js';
import { cursorMask, DEFAULT_SETTLE_MS, rectSchema, sameScreen, SETTLE_INTERVALS, settleSchema } from './settle-screen.js';
import type { StepContext } from './step-context.js';
import { defineStep } from './step-kind.js';

const screenshotSchema = z.union([
  goldenNameSchema.transform((name) => ({ name, settle: undefined as number | undefined, masks: [] as Rect[] })),
  z.strictObject({ name: goldenNameSchema, settle: settleSchema.settle, masks: z.array(rectSchema).default([]) }),
]);

export const screenshotStep = defineStep({
  key: 'screenshot',
  schema: screenshotSchema,
  run: async (ctx, spec, _step, label) => {
    const settleMs = spec.settle ?? DEFAULT_SETTLE_MS;
    const seen = await steadiestFrame(ctx, settleMs, spec.masks);
    if (!seen) return { note: `no frame: ${label} could not be taken (the machine is gone)` };
    const b = seen.moving;
    const note = b && `the screen did not hold still for ${(settleMs / 1000).toFixed(1)} s (it kept changing in ${b.width}×${b.height} at x=${b.x}, y=${b.y}): kept the frame that stayed longest, ${Math.round(seen.heldMs)} ms`;
    return { ...(note ? { note } : {}), artifacts: [await ctx.artifacts.image(spec.name, seen.frame)] };
  },
  describe: (spec) => `screenshot ${spec.name}`,
});

/** Looks for `settleMs` and returns the frame that stayed the longest, with the box of what moved; undefined when no frame could be taken. */
async function steadiestFrame(ctx: StepContext, settleMs: number, masks: readonly Rect[]): Promise<{ frame: RawImage; heldMs: number; moving?: Rect } | undefined> {
  const started = performance.now();
  let run: { frame: RawImage; since: number } | undefined;
  let best: { frame: RawImage; heldMs: number } | undefined;
  let moving: Rect | undefined;
  for (let i = 0; ; i++) {
    let frame: RawImage;
    try {
      frame = await ctx.machine.screenshot();
    } catch {
      break; // the machine died: what was seen is the evidence, the next step reports the death
    }
    ctx.lastFrame = frame;
    const now = performance.now();
    if (run && !(await sameScreen(ctx, run.frame, frame, masks))) {
      moving = unionBox(moving, changedBox(run.frame, frame, [...masks, ...(await cursorMask(ctx, frame))]) ?? { x: 0, y: 0, width: frame.width, height: frame.height });
      run = undefined;
    }
    run ??= { frame, since: now };
    // Ties go to the later frame: the page as it ended up.
    if (!best || now - run.since >= best.heldMs) best = { frame: run.frame, heldMs: now - run.since };
    if (now - started >= settleMs || ctx.signal.aborted) break;
    await delay(Math.min(SETTLE_INTERVALS[Math.min(i + 1, SETTLE_INTERVALS.length - 1)]!, settleMs - (now - started)));
  }
  return best && { ...best, ...(moving ? { moving } : {}) };
}
