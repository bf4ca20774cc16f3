/** Presses key chords (`ctrl+alt+del`, `enter`) one after another. */
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { parseChord } from '../machine/keys.js';
import { giveInput } from './input-report.js';
import type { StepContext, StepReport } from './step-context.js';
import { defineStep } from './step-kind.js';

const GAP_BETWEEN_CHORDS_MS = 50;

async function pressKeys(ctx: StepContext, chords: readonly string[]): Promise<StepReport> {
  const parsed = chords.map(parseChord);
  return giveInput(ctx, async () => {
    for (const [i, chord] of parsed.entries()) {
      if (i > 0) await delay(GAP_BETWEEN_CHORDS_MS);
      await ctx.machine.pressKeys(chord);
    }
  });
}

export const pressStep = defineStep({
  key: 'press',
  schema: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((p) => (Array.isArray(p) ? p : [p])),
  check: (chords) => chords.forEach(parseChord),
  run: (ctx, chords) => pressKeys(ctx, chords),
  describe: (chords) => `press ${chords.join(' ')}`,
});
