/** Presses a button at one point, moves to another and releases it there (sliders, window moves, selections). */
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { CLICK_HOLD_MS } from '../machine/pointer.js';
import { buttonSchema, pointSchema } from './point-schema.js';
import { giveInput } from './input-report.js';
import { defineStep } from './step-kind.js';

export const dragStep = defineStep({
  key: 'drag',
  schema: z.strictObject({ from: pointSchema, to: pointSchema, button: buttonSchema.default('left') }),
  run: (ctx, { from, to, button }) =>
    giveInput(
      ctx,
      async () => {
        await ctx.machine.pointerMove(from.x, from.y);
        await ctx.machine.pointerButton(button, true);
        // A toolkit starts a drag on motion after the press, not on a press already at the far end.
        await delay(CLICK_HOLD_MS);
        await ctx.machine.pointerMove(to.x, to.y);
        await delay(CLICK_HOLD_MS);
        await ctx.machine.pointerButton(button, false);
      },
      { pointer: to },
    ),
  describe: ({ from, to, button }) => `drag ${from.x},${from.y} to ${to.x},${to.y}${button === 'left' ? '' : ` with the ${button} button`}`,
});
