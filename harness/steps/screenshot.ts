/** Saves the screen into the report folder under a name, without comparing it to anything. */
import { goldenNameSchema } from '../config/value-schemas.js';
import { defineStep } from './step-kind.js';

export const screenshotStep = defineStep({
  key: 'screenshot',
  schema: goldenNameSchema,
  run: async (ctx, name) => {
    const frame = await ctx.machine.screenshot();
    ctx.lastFrame = frame;
    return { artifacts: [await ctx.artifacts.image(name, frame)] };
  },
  describe: (name) => `screenshot ${name}`,
});
