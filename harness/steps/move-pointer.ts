/** Moves the pointer to a point in screen pixels, or onto text read by OCR (hover menus, tooltips). */
import { giveInput } from './input-report.js';
import { describePointerTarget, pointerTargetSchema, resolveTarget } from './pointer-target.js';
import { defineStep } from './step-kind.js';

export const moveStep = defineStep({
  key: 'move',
  schema: pointerTargetSchema,
  run: async (ctx, target, step, label) => {
    const { at, report } = await resolveTarget(ctx, target, step, label);
    const before = 'text' in target && ctx.lastFrame ? { before: ctx.lastFrame } : {};
    return { ...report, ...(await giveInput(ctx, () => ctx.machine.pointerMove(at.x, at.y), { pointer: at, ...before })) };
  },
  describe: (target) => `move the pointer to ${describePointerTarget(target)}`,
});
