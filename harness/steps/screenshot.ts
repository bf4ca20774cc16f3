/**
 * Saves the screen into the report folder under a name, without comparing it to anything. It
 * waits for the screen to hold still first (settle-screen.ts): a shot taken at once catches
 * pages half drawn. It is evidence, not a golden, so a blank screen will do.
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { settledFrame, settleSchema } from './settle-screen.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';

const screenshotSchema = z.union([
  goldenNameSchema.transform((name) => ({ name, settle: undefined as number | undefined })),
  z.strictObject({ name: goldenNameSchema, settle: settleSchema.settle }),
]);

export const screenshotStep = defineStep({
  key: 'screenshot',
  schema: screenshotSchema,
  run: async (ctx, spec, step, label) => {
    const frame = await settledFrame(ctx, {
      timeoutMs: waitTimeoutMs(ctx, step),
      what: `screenshot ${spec.name}`,
      label,
      allowBlank: true,
      ...(spec.settle !== undefined ? { settleMs: spec.settle } : {}),
    });
    return { artifacts: [await ctx.artifacts.image(spec.name, frame)] };
  },
  describe: (spec) => `screenshot ${spec.name}`,
});
