/**
 * Waits for one of several screens and runs the steps that belong to the one that appeared: a
 * dialog that may or may not pop up, a first-boot screen only some runs show.
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { checkSteps, nestedStepsSchema, runSteps } from './nested-steps.js';
import { defineStep } from './step-kind.js';
import { waitScreenStep } from './wait-screen.js';

const branchSchema = z.strictObject({ screen: goldenNameSchema, steps: nestedStepsSchema.default([]) });

export const waitAnyStep = defineStep({
  key: 'waitAny',
  schema: z.array(branchSchema).min(2),
  wait: true,
  check: (branches) => branches.forEach((b) => checkSteps(b.steps)),
  run: async (ctx, branches, step, label) => {
    const seen = await waitScreenStep.run(ctx, waitScreenStep.schema.parse({ anyOf: branches.map((b) => b.screen) }), step, label);
    const branch = branches.find((b) => b.screen === seen.matched)!;
    const done = await runSteps(ctx, branch.steps, `${label}-${branch.screen}`);
    return { ...seen, ...(done.note ? { note: done.note } : {}), artifacts: seen.artifacts ?? [] };
  },
  describe: (branches) => `wait for any of ${branches.map((b) => b.screen).join(' | ')} and do what it needs`,
});
