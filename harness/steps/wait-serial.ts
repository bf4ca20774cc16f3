/** Waits for text on the serial log after the job's cursor; a match moves the cursor past it. */
import type { Pattern } from '../config/pattern.js';
import { patternSchema } from '../config/value-schemas.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, TEXT_INTERVALS } from './poll-until.js';
import type { StepContext, StepReport } from './step-context.js';
import { defineStep, waitTimeoutMs } from './step-kind.js';

async function waitSerial(ctx: StepContext, pattern: Pattern, timeoutMs: number, failOn?: readonly Pattern[]): Promise<StepReport> {
  const serial = ctx.machine.serial;
  const from = ctx.serialCursor;
  const end = await pollUntil({
    machine: ctx.machine,
    signal: ctx.signal,
    timeoutMs,
    what: `serial text ${pattern.source}`,
    intervals: TEXT_INTERVALS,
    wake: (cb) => serial.onAppend(cb),
    checkFailures: failureChecker(ctx, failOn, () => undefined),
    probe: async () => {
      const m = pattern.regex.exec(serial.text.slice(from));
      return m ? from + m.index + m[0].length : undefined;
    },
    lastSeen: () => serial.text.slice(from).slice(-300),
  });
  ctx.serialCursor = end;
  // The byte that completed the match is the moment it became true.
  const mark = end > 0 ? ctx.machine.guestClock?.serialMark(serial.rawOffsetOf(end - 1)) : undefined;
  return { matched: serial.text.slice(from, end).slice(-120), ...(mark ? { guest: { kind: 'match' as const, mark } } : {}) };
}

export const waitSerialStep = defineStep({
  key: 'waitSerial',
  schema: patternSchema,
  wait: true,
  run: (ctx, pattern, step) => waitSerial(ctx, pattern, waitTimeoutMs(ctx, step), step.failOn),
  describe: (pattern) => `wait for serial ${pattern.source}`,
});
