/** Runs one scenario step, and names and describes it for reports, through its step kind. */
import type { StepContext, StepReport } from './step-context.js';
import { stepAction, type StepData } from './step-schema.js';
import { screenGoldens } from './failure-screens.js';

export async function runStep(ctx: StepContext, step: StepData, label: string): Promise<StepReport> {
  const { kind, value } = stepAction(step);
  return kind.run(ctx, value, step, label);
}

/** A short human description of a step for progress lines and reports. */
export function describeStep(step: StepData): string {
  if (step.name) return step.name;
  const { kind, value } = stepAction(step);
  return kind.describe(value);
}

/** The step's kind, for reports and file names. */
export function stepKind(step: StepData): string {
  return stepAction(step).kind.key;
}

/** The names of the goldens the step compares with. */
export function stepGoldens(step: StepData): readonly string[] {
  const { kind, value } = stepAction(step);
  return [...(kind.goldens?.(value) ?? []), ...screenGoldens(step.failOnScreen)];
}
