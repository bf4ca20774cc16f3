/** Presses key chords (`ctrl+alt+del`, `enter`) one after another. */
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { parseChord } from '../machine/keys.js';
import type { Machine } from '../machine/machine.js';
import { giveInput } from './input-report.js';
import { defineStep } from './step-kind.js';

const GAP_BETWEEN_CHORDS_MS = 50;

/** The chords in order, with a gap between them a guest's keyboard handling always sees as two presses; a bad one is refused before any is pressed. */
export async function pressChords(machine: Machine, chords: readonly string[]): Promise<void> {
  const parsed = chords.map(parseChord);
  for (const [i, chord] of parsed.entries()) {
    if (i > 0) await delay(GAP_BETWEEN_CHORDS_MS);
    await machine.pressKeys(chord);
  }
}

export const pressStep = defineStep({
  key: 'press',
  schema: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((p) => (Array.isArray(p) ? p : [p])),
  check: (chords) => chords.forEach(parseChord),
  run: (ctx, chords) => giveInput(ctx, () => pressChords(ctx.machine, chords)),
  describe: (chords) => `press ${chords.join(' ')}`,
});
