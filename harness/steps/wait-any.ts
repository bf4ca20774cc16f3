/**
 * Waits for one of several screens and runs the steps that belong to the one that appeared: a
 * dialog that may or may not pop up, a first-boot screen only some runs show. A branch names a
 * golden (`screen:`) or text read by OCR (`text:`, with `area`, `nth`); one wait has branches of
 * one kind. The screen must hold before a branch is taken (screen-hold.ts), as for a click: a
 * dialog drawn over a page that matched a moment earlier takes its own branch, not the page's.
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { ConfigError } from '../errors.js';
import { checkSteps, nestedStepsSchema, runSteps } from './nested-steps.js';
import { DEFAULT_HOLD_MS } from './screen-hold.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';
import { describeTarget, textTargetSchema, waitForText } from './text-wait.js';
import { waitForScreen, waitScreenStep } from './wait-screen.js';

const stepsSchema = nestedStepsSchema.default([]);
const branchSchema = z.union([z.strictObject({ screen: goldenNameSchema, steps: stepsSchema }), textTargetSchema.extend({ steps: stepsSchema })]);

export const waitAnyStep = defineStep({
  key: 'waitAny',
  schema: z.array(branchSchema).min(2),
  wait: true,
  check: (branches) => {
    if (new Set(branches.map((b) => 'text' in b)).size > 1) throw new ConfigError('waitAny: give its branches all as screen: or all as text:, not both', { field: 'waitAny' });
    branches.forEach((b) => checkSteps(b.steps));
  },
  run: async (ctx, branches, step, label) => {
    const wait = { timeoutMs: waitTimeoutMs(ctx, step), label, holdMs: step.hold ?? DEFAULT_HOLD_MS, ...(step.failOn ? { failOn: step.failOn } : {}) };
    const screens = branches.flatMap((b) => ('screen' in b ? [b.screen] : []));
    let seen, index: number;
    if (screens.length === branches.length) {
      seen = await waitForScreen(ctx, waitScreenStep.schema.parse({ anyOf: screens }), wait);
      index = screens.indexOf(seen.matched!);
    } else {
      const found = await waitForText(ctx, branches.flatMap((b) => ('text' in b ? [b] : [])), wait);
      [seen, index] = [found.report, found.index];
    }
    const branch = branches[index]!;
    const done = await runSteps(ctx, branch.steps, `${label}-${'screen' in branch ? branch.screen : index + 1}`);
    return { ...seen, ...(done.note ? { note: done.note } : {}), artifacts: seen.artifacts ?? [] };
  },
  describe: (branches) => `wait for any of ${branches.map((b) => ('screen' in b ? b.screen : describeTarget(b))).join(' | ')} and do what it needs`,
});
