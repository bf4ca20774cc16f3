/** Waits for text on the VGA text screen, read exactly from video memory (no OCR). */
import type { Pattern } from '../scenario/scenario.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, TEXT_INTERVALS } from './poll-until.js';
import type { StepContext, StepReport } from './step-context.js';

export async function waitText(ctx: StepContext, pattern: Pattern, timeoutMs: number, failOn?: readonly Pattern[]): Promise<StepReport> {
  let rows: string[] | undefined;
  return pollUntil({
    machine: ctx.machine,
    signal: ctx.signal,
    timeoutMs,
    what: `screen text ${pattern.source}`,
    intervals: TEXT_INTERVALS,
    checkFailures: failureChecker(ctx, failOn, () => rows),
    probe: async () => {
      rows = await ctx.machine.textScreen();
      if (!rows) return undefined;
      const m = pattern.regex.exec(rows.join('\n'));
      if (!m) return undefined;
      const mark = ctx.machine.guestClock?.screenMark(rows);
      return { matched: m[0], ...(mark ? { guest: { kind: 'match' as const, mark } } : {}) };
    },
    lastSeen: () => (rows ? rows.filter((r) => r.trim()).slice(-6).join(' | ') : '(graphics mode, no text screen)'),
  });
}
