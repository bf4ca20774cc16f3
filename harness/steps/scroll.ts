/** Turns the scroll wheel: positive notches scroll down, negative up. */
import * as z from 'zod';
import { giveInput } from './input-report.js';
import { defineStep } from './step-kind.js';

export const scrollStep = defineStep({
  key: 'scroll',
  schema: z.number().int().refine((n) => n !== 0, 'a number of notches other than 0: positive scrolls down, negative up'),
  run: (ctx, notches) => giveInput(ctx, () => ctx.machine.pointerScroll(notches)),
  describe: (notches) => `scroll ${notches > 0 ? 'down' : 'up'} ${Math.abs(notches)}`,
});
