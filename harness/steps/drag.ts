/**
 * Presses a button at one point, moves to another and releases it there (sliders, window moves,
 * selections). Either end may be text read by OCR; both are found before the button goes down.
 */
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { CLICK_HOLD_MS } from '../machine/pointer.js';
import { buttonSchema } from './point-schema.js';
import { giveInput } from './input-report.js';
import { describePointerTarget, pointerTargetSchema, resolveTarget } from './pointer-target.js';
import { defineStep } from './step-kind.js';

export const dragStep = defineStep({
  key: 'drag',
  schema: z.strictObject({ from: pointerTargetSchema, to: pointerTargetSchema, button: buttonSchema.default('left') }),
  run: async (ctx, { from: fromTarget, to: toTarget, button }, step, label) => {
    const from = await resolveTarget(ctx, fromTarget, step, `${label}-from`);
    const to = await resolveTarget(ctx, toTarget, step, `${label}-to`);
    const input = await giveInput(
      ctx,
      async () => {
        await ctx.machine.pointerMove(from.at.x, from.at.y);
        await ctx.machine.pointerButton(button, true);
        // A toolkit starts a drag on motion after the press, not on a press already at the far end.
        await delay(CLICK_HOLD_MS);
        const landing = await ctx.machine.pointerMove(to.at.x, to.at.y);
        await delay(CLICK_HOLD_MS);
        await ctx.machine.pointerButton(button, false);
        return landing;
      },
      { pointer: to.at },
    );
    return { ...from.report, ...to.report, ...input };
  },
  describe: ({ from, to, button }) => `drag ${describePointerTarget(from)} to ${describePointerTarget(to)}${button === 'left' ? '' : ` with the ${button} button`}`,
});
