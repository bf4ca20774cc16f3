/**
 * Repeats steps until a screen appears (a golden, or text read by OCR: `until: {text: …}`), at most `maxTries` times (press down until the item is
 * highlighted, scroll until the button shows). The screen is looked for first, so nothing is done
 * when it is already there; after each try it is waited for up to `wait`. A match must hold, as a
 * click's does (screen-hold.ts): each look gets the hold, and what is left of the guest's
 * reaction time to the last try, on top of its own time.
 */
import * as z from 'zod';
import { durationSchema } from '../config/value-schemas.js';
import { ScreenMismatchError, TextNotFoundError } from '../errors.js';
import { checkSteps, nestedStepsSchema, runSteps } from './nested-steps.js';
import type { StepReport } from './step-context.js';
import { DEFAULT_HOLD_MS, holdAllowanceMs } from './screen-hold.js';
import { defineStep } from './step-kind.js';
import { describeTarget, textTargetSchema, waitForText } from './text-wait.js';
import { waitForScreen, waitScreenStep } from './wait-screen.js';

const DEFAULT_WAIT_MS = 1000;
/** The first look, before any try: long enough for one screenshot on a loaded host. */
const FIRST_LOOK_MS = 300;

export const repeatStep = defineStep({
  key: 'repeat',
  schema: z.strictObject({
    steps: nestedStepsSchema,
    until: z.union([textTargetSchema, waitScreenStep.schema]),
    maxTries: z.number().int().min(1).default(10),
    /** How long the screen may take to appear after a try. */
    wait: durationSchema.default(DEFAULT_WAIT_MS),
  }),
  wait: true,
  check: ({ steps }) => checkSteps(steps),
  run: async (ctx, { steps, until, maxTries, wait }, step, label) => {
    const look = async (ms: number, last: boolean) => {
      // Only the last look may write a golden: an update mode would otherwise take the screen before the first try for the one awaited.
      const view = last ? ctx : { ...ctx, goldens: ctx.goldens.withMode('none') };
      const holdMs = step.hold ?? DEFAULT_HOLD_MS;
      const wait = { timeoutMs: ms + holdAllowanceMs(ctx, holdMs), label: `${label}-until`, holdMs, ...(step.failOn ? { failOn: step.failOn } : {}) };
      try {
        return 'text' in until ? (await waitForText(view, [until], wait)).report : await waitForScreen(view, until, wait);
      } finally {
        if (view !== ctx) Object.assign(ctx, { lastFrame: view.lastFrame, lastRegion: view.lastRegion });
      }
    };
    const notes: string[] = [];
    for (let tries = 0; ; tries++) {
      try {
        const found: StepReport = await look(tries === 0 ? FIRST_LOOK_MS : wait, tries === maxTries);
        return { ...found, note: [...notes, `${tries} ${tries === 1 ? 'try' : 'tries'}`].join('; ') };
      } catch (e) {
        if (e instanceof TextNotFoundError) {
          if (tries === maxTries) throw new TextNotFoundError(`${e.what}, not after ${maxTries} tries`, e.timeoutMs, e.read, e.artifacts);
        } else if (!(e instanceof ScreenMismatchError)) throw e;
        else if (tries === maxTries) throw new ScreenMismatchError(e.golden, `not after ${maxTries} tries: ${e.detail}`, e.artifacts);
      }
      const done = await runSteps(ctx, steps, `${label}-${tries + 1}`);
      if (done.note) notes.push(done.note);
    }
  },
  describe: ({ until, maxTries }) => `repeat until screen ${'text' in until ? describeTarget(until) : until.anyOf.join(' | ')} (at most ${maxTries} tries)`,
});
