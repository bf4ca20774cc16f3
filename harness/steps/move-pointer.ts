/** Moves the pointer to a point in screen pixels (hover menus, tooltips). */
import { inputReport } from './input-report.js';
import { defineStep } from './step-kind.js';
import { pointSchema } from './point-schema.js';

export const moveStep = defineStep({
  key: 'move',
  schema: pointSchema,
  run: async (ctx, { x, y }) => {
    await ctx.machine.pointerMove(x, y);
    return { ...inputReport(ctx), pointer: { x, y } };
  },
  describe: ({ x, y }) => `move the pointer to ${x},${y}`,
});
