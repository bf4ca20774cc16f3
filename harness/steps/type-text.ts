/** Types text on the guest's keyboard, a character at a time. */
import * as z from 'zod';
import { chordsForText } from '../machine/keys.js';
import { giveInput } from './input-report.js';
import type { StepContext, StepReport } from './step-context.js';
import { defineStep } from './step-kind.js';

/** Fast enough for a person's patience, slow enough that neither emulator's keyboard buffer overflows. */
const DEFAULT_MS_PER_CHAR = 25;

async function typeText(ctx: StepContext, text: string, msPerChar = DEFAULT_MS_PER_CHAR): Promise<StepReport> {
  chordsForText(text); // refuse untypeable text before sending half of it
  return giveInput(ctx, () => ctx.machine.typeText(text, msPerChar));
}

export const typeStep = defineStep({
  key: 'type',
  schema: z.union([
    z.string().transform((text) => ({ text, msPerChar: undefined as number | undefined })),
    z.strictObject({ text: z.string(), msPerChar: z.number().int().min(1).max(1000).optional() }),
  ]),
  check: (value) => void chordsForText(value.text),
  run: (ctx, value) => typeText(ctx, value.text, value.msPerChar),
  describe: (value) => `type ${JSON.stringify(value.text)}`,
});
