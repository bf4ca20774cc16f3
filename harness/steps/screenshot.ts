/**
 * Saves the screen into the report folder under a name, without comparing it to anything. It
 * waits for the screen to hold still first (settle-screen.ts): a shot taken at once catches
 * pages half drawn. It is evidence, not a golden: a blank screen will do, and a screen that never
 * holds still within the step's timeout is kept as it was last, with a note saying what moved.
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { ScreenUnstableError } from '../errors.js';
import type { Rect } from '../machine/same-frame.js';
import { rectSchema, settledFrame, settleSchema } from './settle-screen.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';

const screenshotSchema = z.union([
  goldenNameSchema.transform((name) => ({ name, settle: undefined as number | undefined, masks: [] as Rect[] })),
  z.strictObject({ name: goldenNameSchema, settle: settleSchema.settle, masks: z.array(rectSchema).default([]) }),
]);

export const screenshotStep = defineStep({
  key: 'screenshot',
  schema: screenshotSchema,
  run: async (ctx, spec, step, label) => {
    let note: string | undefined;
    const frame = await settledFrame(ctx, {
      timeoutMs: waitTimeoutMs(ctx, step),
      what: `screenshot ${spec.name}`,
      label,
      masks: spec.masks,
      allowBlank: true,
      ...(spec.settle !== undefined ? { settleMs: spec.settle } : {}),
    }).catch((e: unknown) => {
      if (!(e instanceof ScreenUnstableError) || !ctx.lastFrame) throw e;
      const b = e.box;
      note = `the screen never held still (it kept changing in ${b.width}×${b.height} at x=${b.x}, y=${b.y}): kept as last seen`;
      return ctx.lastFrame;
    });
    return { ...(note ? { note } : {}), artifacts: [await ctx.artifacts.image(spec.name, frame)] };
  },
  describe: (spec) => `screenshot ${spec.name}`,
});
