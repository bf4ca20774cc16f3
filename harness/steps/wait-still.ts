/**
 * Waits until the screen has held still for a while: for flows that must not act on a page still
 * being drawn (an installer between screens) and have no golden to wait for. A blank screen or
 * the emulator's placeholder does not count unless `allowBlank`.
 */
import * as z from 'zod';
import { durationSchema } from '../config/value-schemas.js';
import { rectSchema, settledFrame, settleSchema } from './settle-screen.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';

const waitStillSchema = z.union([
  durationSchema.transform((settle) => ({ settle, masks: [] as z.output<typeof rectSchema>[], allowBlank: false })),
  z.strictObject({ for: durationSchema, masks: z.array(rectSchema).default([]), allowBlank: settleSchema.allowBlank }).transform(({ for: settle, ...rest }) => ({ settle, ...rest })),
]);

export const waitStillStep = defineStep({
  key: 'waitStill',
  schema: waitStillSchema,
  run: async (ctx, spec, step, label) => {
    const frame = await settledFrame(ctx, { settleMs: spec.settle, masks: spec.masks, allowBlank: spec.allowBlank, timeoutMs: waitTimeoutMs(ctx, step), what: 'waitStill', label, ...(step.failOn ? { failOn: step.failOn } : {}) });
    return { artifacts: [await ctx.artifacts.image(label, frame)] };
  },
  describe: (spec) => `wait for the screen to hold still ${(spec.settle / 1000).toFixed(1)} s`,
});
