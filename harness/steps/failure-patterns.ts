/**
 * Failure patterns end a wait at once when the guest says it is lost ("Kernel panic",
 * "No bootable device"), on the serial log since the wait began or on the text screen. The same
 * check, run before each probe of every wait, ends it on a stall (stall-watch.ts) or a reset loop
 * (reset-watch.ts) or a failure screen (failure-screens.ts) too.
 */
import { FailurePatternError } from '../errors.js';
import type { Pattern } from '../config/pattern.js';
import type { StepContext } from './step-context.js';
import { StallWatch } from './stall-watch.js';
import { failureScreenChecker } from './failure-screens.js';

/** A wait that does not read the text screen itself peeks at it this often. */
const SCREEN_CHECK_INTERVAL_MS = 500;

/** `stall: false`: a wait for stillness (settle-screen.ts), where a quiet guest is the point. */
export function failureChecker(ctx: StepContext, extra: readonly Pattern[] | undefined, screenFromProbe: () => string[] | undefined, options: { readonly stall?: false } = {}) {
  const patterns = [...ctx.failOn, ...(extra ?? [])];
  const serialFrom = ctx.serialCursor;
  let lastScreenCheck = 0;
  const stall = ctx.stallMs && options.stall !== false ? new StallWatch(ctx.machine, ctx.stallMs) : undefined;
  const checkScreens = failureScreenChecker(ctx, ctx.failOnScreen ?? []);
  const checkPatterns = async (): Promise<void> => {
    if (patterns.length === 0) return;
    const serial = ctx.machine.serial.since(serialFrom);
    for (const p of patterns) {
      const m = p.regex.exec(serial);
      if (m) throw new FailurePatternError(p.source, 'serial', excerptAround(serial, m.index));
    }
    let seen = screenFromProbe()?.join('\n');
    if (seen === undefined && performance.now() - lastScreenCheck >= SCREEN_CHECK_INTERVAL_MS) {
      lastScreenCheck = performance.now();
      seen = await ctx.machine.peekText();
    }
    if (seen === undefined || !patterns.some((p) => p.regex.test(seen!))) return;
    // What was seen may have been a peek: a job fails only on what an exact read shows.
    const screen = ((await ctx.machine.textScreen()) ?? []).join('\n');
    for (const p of patterns) {
      const m = p.regex.exec(screen);
      if (m) throw new FailurePatternError(p.source, 'screen', excerptAround(screen, m.index));
    }
  };
  return async (): Promise<void> => {
    await ctx.resets?.check(ctx.artifacts);
    await checkPatterns();
    await checkScreens();
    await stall?.check();
  };
}

function excerptAround(text: string, index: number): string {
  const start = text.lastIndexOf('\n', Math.max(0, index - 1)) + 1;
  const end = text.indexOf('\n', index + 200);
  return text.slice(Math.max(start - 160, 0), end === -1 ? undefined : end);
}
