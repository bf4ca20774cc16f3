/** Moves the pointer to a point in screen pixels (hover menus, tooltips). */
import { giveInput } from './input-report.js';
import { defineStep } from './step-kind.js';
import { pointSchema } from './point-schema.js';

export const moveStep = defineStep({
  key: 'move',
  schema: pointSchema,
  run: (ctx, { x, y }) => giveInput(ctx, () => ctx.machine.pointerMove(x, y), { pointer: { x, y } }),
  describe: ({ x, y }) => `move the pointer to ${x},${y}`,
});
