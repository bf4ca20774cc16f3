/**
 * Waits for text on the screen. On the VGA text screen it is read exactly from video memory (no
 * OCR): polls with the machine's cheap peek, which holds everything the screen could show, and
 * decides only on an exact read, when the peek holds the text, and every EXACT_READ_MS in case
 * the layout the peek assumes has changed. On a graphical screen (no text screen to read, or an
 * `area` given) it reads by OCR (text-wait.ts), and the match carries its box.
 */
import * as z from 'zod';
import { patternSchema } from '../config/value-schemas.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, TEXT_INTERVALS } from './poll-until.js';
import { DEFAULT_HOLD_MS } from './screen-hold.js';
import type { StepContext, StepReport } from './step-context.js';
import { defineStep, waitTimeoutMs, type StepOptions } from './step-kind.js';
import { describeTarget, textTargetSchema, waitForText, type TextTarget } from './text-wait.js';

/** An exact read pauses a QEMU guest for ~12 ms: at this rate it costs the guest about 1 %. */
const EXACT_READ_MS = 1000;

const GRAPHICS = Symbol('graphics');

async function waitText(ctx: StepContext, target: TextTarget, step: StepOptions, label: string): Promise<StepReport> {
  const timeoutMs = waitTimeoutMs(ctx, step);
  const started = performance.now();
  const graphical = (ms: number) => waitForText(ctx, [target], { timeoutMs: ms, label, holdMs: step.hold ?? DEFAULT_HOLD_MS, ...(step.failOn ? { failOn: step.failOn } : {}) }).then((f) => f.report);
  if (target.area) return graphical(timeoutMs);
  const pattern = target.text;
  let rows: string[] | undefined;
  // Peek first: a screen that already shows the text costs one exact read, one that does not, none.
  let lastExact = performance.now();
  const found = await pollUntil<StepReport | typeof GRAPHICS>({
    machine: ctx.machine,
    signal: ctx.signal,
    timeoutMs,
    what: `screen text ${pattern.source}`,
    intervals: TEXT_INTERVALS,
    checkFailures: failureChecker(ctx, step.failOn, () => rows),
    probe: async () => {
      const peek = await ctx.machine.peekText();
      if (peek !== undefined && performance.now() - lastExact < EXACT_READ_MS && !pattern.regex.test(peek)) return undefined;
      lastExact = performance.now();
      rows = await ctx.machine.textScreen();
      // A graphics mode: the rest of the wait reads the frames.
      if (!rows) return GRAPHICS;
      const m = pattern.regex.exec(rows.join('\n'));
      if (!m) return undefined;
      const mark = ctx.machine.guestClock?.screenMark(rows);
      return { matched: m[0], ...(mark ? { guest: { kind: 'match' as const, mark } } : {}) };
    },
    lastSeen: () => (rows ? rows.filter((r) => r.trim()).slice(-6).join(' | ') : ''),
  });
  return found === GRAPHICS ? graphical(Math.max(0, timeoutMs - (performance.now() - started))) : found;
}

const waitTextSchema = z.union([patternSchema.transform((text): TextTarget => ({ text, nth: 1 })), textTargetSchema]);

export const waitTextStep = defineStep({
  key: 'waitText',
  schema: waitTextSchema,
  wait: true,
  run: (ctx, target, step, label) => waitText(ctx, target, step, label),
  describe: (target) => `wait for screen ${describeTarget(target)}`,
});
