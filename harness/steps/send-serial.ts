/** Writes text to the guest's serial port, as a terminal on the other end would. */
import * as z from 'zod';
import { inputReport } from './input-report.js';
import { defineStep } from './step-kind.js';

export const sendSerialStep = defineStep({
  key: 'sendSerial',
  schema: z.string().min(1),
  run: async (ctx, text) => {
    await ctx.machine.sendSerial(text);
    return inputReport(ctx);
  },
  describe: (text) => `send serial ${JSON.stringify(text)}`,
});
