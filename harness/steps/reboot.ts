/** Resets the machine, as its reset button would. */
import * as z from 'zod';
import { inputReport } from './input-report.js';
import { defineStep } from './step-kind.js';

export const rebootStep = defineStep({
  key: 'reboot',
  schema: z.literal(true),
  run: async (ctx) => {
    await ctx.machine.reset();
    return inputReport(ctx);
  },
  describe: () => 'reboot',
});
