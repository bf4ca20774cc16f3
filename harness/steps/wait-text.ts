/**
 * Waits for text on the VGA text screen, read exactly from video memory (no OCR). Polls with the
 * machine's cheap peek, which holds everything the screen could show, and decides only on an
 * exact read: when the peek holds the text, and every EXACT_READ_MS in case the layout the peek
 * assumes has changed.
 */
import type { Pattern } from '../config/pattern.js';
import { patternSchema } from '../config/value-schemas.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, TEXT_INTERVALS } from './poll-until.js';
import type { StepContext, StepReport } from './step-context.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';

/** An exact read pauses a QEMU guest for ~12 ms: at this rate it costs the guest about 1 %. */
const EXACT_READ_MS = 1000;

async function waitText(ctx: StepContext, pattern: Pattern, timeoutMs: number, failOn?: readonly Pattern[]): Promise<StepReport> {
  let rows: string[] | undefined;
  // Peek first: a screen that already shows the text costs one exact read, one that does not, none.
  let lastExact = performance.now();
  return pollUntil({
    machine: ctx.machine,
    signal: ctx.signal,
    timeoutMs,
    what: `screen text ${pattern.source}`,
    intervals: TEXT_INTERVALS,
    checkFailures: failureChecker(ctx, failOn, () => rows),
    probe: async () => {
      if (performance.now() - lastExact < EXACT_READ_MS) {
        const peek = await ctx.machine.peekText();
        if (peek === undefined || !pattern.regex.test(peek)) return undefined;
      }
      lastExact = performance.now();
      rows = await ctx.machine.textScreen();
      const m = rows ? pattern.regex.exec(rows.join('\n')) : null;
      if (!m) return undefined;
      const mark = ctx.machine.guestClock?.screenMark(rows!);
      return { matched: m[0], ...(mark ? { guest: { kind: 'match' as const, mark } } : {}) };
    },
    lastSeen: () => (rows ? rows.filter((r) => r.trim()).slice(-6).join(' | ') : '(graphics mode, no text screen)'),
  });
}

export const waitTextStep = defineStep({
  key: 'waitText',
  schema: patternSchema,
  wait: true,
  run: (ctx, pattern, step) => waitText(ctx, pattern, waitTimeoutMs(ctx, step), step.failOn),
  describe: (pattern) => `wait for screen text ${pattern.source}`,
});
