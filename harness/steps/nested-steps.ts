/**
 * Steps inside a step (repeat, waitAny). The schema is lazy because the step schema is built from
 * the step kinds, these among them; this file is only reached through step-schema.ts, which
 * therefore finishes loading first. The explicit types cut the same cycle for the compiler.
 */
import * as z from 'zod';
import type { StepContext, StepReport } from './step-context.js';
import { runStep } from './run-step.js';
import { stepAction, stepSchema, type StepData } from './step-schema.js';

/** A step as its parent's type sees it: the compiler cannot infer a type that contains itself. */
export type NestedStep = Readonly<Record<string, unknown>>;

export const nestedStepsSchema: z.ZodType<NestedStep[], unknown> = z.lazy(() => z.array(stepSchema));

const asSteps = (steps: readonly NestedStep[]) => steps as readonly StepData[];

/** What plan-jobs checks for a top-level step, for each nested one. */
export function checkSteps(steps: readonly NestedStep[]): void {
  for (const step of asSteps(steps)) {
    const { kind, value } = stepAction(step);
    kind.check?.(value);
  }
}

/** Runs nested steps in order; their frames and notes go under the parent's label. The last report carries their guest mark. */
export async function runSteps(ctx: StepContext, steps: readonly NestedStep[], label: string): Promise<StepReport> {
  let last: StepReport = {};
  const notes: string[] = [];
  for (const [i, step] of asSteps(steps).entries()) {
    last = await runStep(ctx, step, `${label}.${i + 1}`);
    if (last.note) notes.push(last.note);
  }
  return { ...last, ...(notes.length ? { note: notes.join('; ') } : {}) };
}
