/**
 * What a step kind is: the action key it takes in a scenario step, the schema of its value, how it
 * runs and how reports describe it. Each kind is one file; steps/step-kinds.ts lists them.
 */
import type * as z from 'zod';
import type { Pattern } from '../config/pattern.js';
import type { StepContext, StepReport } from './step-context.js';

/** The fields every step has, whatever its action. */
export interface StepOptions {
  readonly name?: string;
  /** Milliseconds; the scenario's step timeout when absent. */
  readonly timeout?: number;
  /** Failure patterns of this step, on top of the scenario's. */
  readonly failOn?: readonly Pattern[];
  /** Milliseconds, or false: the stall time of this step's waits, over its phase's and scenario's. */
  readonly stall?: number | false;
  /** Milliseconds a matched screen must stay the same before the step acts on it (screen-hold.ts). */
  readonly hold?: number;
}

export interface StepKind<K extends string = string, S extends z.ZodType = z.ZodType> {
  /** The step's action key in a scenario file, and its kind in reports and file names. */
  readonly key: K;
  readonly schema: S;
  /** Ends on a match in the guest's output, so a phase's guest time can be measured up to it. */
  readonly wait?: boolean;
  /** Refuses, before any machine starts, a value the schema lets through but the step cannot perform. */
  check?(value: z.output<S>): void;
  run(ctx: StepContext, value: z.output<S>, step: StepOptions, label: string): Promise<StepReport>;
  /** The goldens the step compares with, by name (`bootgate goldens --unused`). */
  goldens?(value: z.output<S>): readonly string[];
  /** A short description for progress lines and reports. */
  describe(value: z.output<S>): string;
}

/** Declares a step kind with its key and value types kept, so the step schema can infer from them. */
export function defineStep<const K extends string, S extends z.ZodType>(kind: StepKind<K, S>): StepKind<K, S> {
  return kind;
}

/** A wait's timeout: the step's own or the scenario's, scaled for slow hosts. */
export function waitTimeoutMs(ctx: StepContext, step: StepOptions): number {
  return (step.timeout ?? ctx.defaultTimeoutMs) * ctx.timeoutScale;
}
