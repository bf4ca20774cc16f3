/**
 * Waits for one of several screens and runs the steps that belong to the one that appeared: a
 * dialog that may or may not pop up, a first-boot screen only some runs show. The screen must
 * hold before a branch is taken (screen-hold.ts), as for a click: a dialog drawn over a page that
 * matched a moment earlier takes its own branch, not the page's.
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { checkSteps, nestedStepsSchema, runSteps } from './nested-steps.js';
import { DEFAULT_HOLD_MS } from './screen-hold.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';
import { waitForScreen, waitScreenStep } from './wait-screen.js';

const branchSchema = z.strictObject({ screen: goldenNameSchema, steps: nestedStepsSchema.default([]) });

export const waitAnyStep = defineStep({
  key: 'waitAny',
  schema: z.array(branchSchema).min(2),
  wait: true,
  check: (branches) => branches.forEach((b) => checkSteps(b.steps)),
  run: async (ctx, branches, step, label) => {
    const seen = await waitForScreen(ctx, waitScreenStep.schema.parse({ anyOf: branches.map((b) => b.screen) }), {
      timeoutMs: waitTimeoutMs(ctx, step),
      label,
      holdMs: step.hold ?? DEFAULT_HOLD_MS,
      ...(step.failOn ? { failOn: step.failOn } : {}),
    });
    const branch = branches.find((b) => b.screen === seen.matched)!;
    const done = await runSteps(ctx, branch.steps, `${label}-${branch.screen}`);
    return { ...seen, ...(done.note ? { note: done.note } : {}), artifacts: seen.artifacts ?? [] };
  },
  describe: (branches) => `wait for any of ${branches.map((b) => b.screen).join(' | ')} and do what it needs`,
});
