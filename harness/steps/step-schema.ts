/**
 * A scenario step: the fields every step has, and exactly one action key, whose value each step
 * kind's own schema defines.
 */
import * as z from 'zod';
import { durationSchema, goldenNameSchema, patternSchema, stallSchema } from '../config/value-schemas.js';
import { holdSchema } from './screen-hold.js';
import type { StepKind } from './step-kind.js';
import { failScreenSchema } from './failure-screens.js';
import { STEP_ACTIONS, STEP_KINDS } from './step-kinds.js';

type ActionShape = { [K in (typeof STEP_KINDS)[number] as K['key']]: z.ZodOptional<K['schema']> };
const actionShape = Object.fromEntries(STEP_KINDS.map((k) => [k.key, k.schema.optional()])) as ActionShape;

export const stepSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    timeout: durationSchema.optional(),
    failOn: z.array(patternSchema).optional(),
    /** End this step's waits once nothing moved for this long (no serial, no screen change, no CPU work); `false`: never. */
    stall: stallSchema.optional(),
    /** Screens that end this step's waits at once, on top of its phase's and the scenario's. */
    failOnScreen: z.array(failScreenSchema).optional(),
    /** How long a matched screen must stay the same before the step acts on it; 0 acts on the first match. */
    hold: holdSchema.optional(),
    ...actionShape,
    /** Once this step passes, save the machine under this name: scenarios can start `from:` it. */
    snapshot: goldenNameSchema.optional(),
  })
  .superRefine((s, ctx) => {
    const actions = STEP_ACTIONS.filter((a) => s[a] !== undefined);
    if (actions.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: actions.length === 0 ? `a step needs one action: ${STEP_ACTIONS.join(', ')}` : `a step has one action, this one has ${actions.join(' and ')}`,
      });
      return;
    }
    // A value the kind cannot perform (an unknown key name) is refused here, so its error has the file's line.
    const kind = STEP_KINDS.find((k) => k.key === actions[0])!;
    try {
      kind.check?.(s[kind.key as keyof typeof s] as never);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^[^:]*: /, ''), path: [kind.key] });
    }
  })
  // Named, so the JSON schema's recursion (repeat and waitAny hold steps) reads as `step` for editors.
  .meta({ id: 'step' });

export type StepData = z.output<typeof stepSchema>;

/** The step's kind and the value of its action key. */
export function stepAction(step: StepData): { readonly kind: StepKind; readonly value: unknown } {
  const kind: StepKind | undefined = STEP_KINDS.find((k) => step[k.key] !== undefined);
  // The schema makes a step without an action unreachable.
  if (!kind) throw new Error('step without an action passed validation');
  return { kind, value: step[kind.key as keyof StepData] };
}

/** Whether the step waits for the guest (guest time is measured up to waits); safe on a step that failed validation. */
export function isWait(step: StepData): boolean {
  return STEP_KINDS.some((k) => k.wait && step[k.key] !== undefined);
}
