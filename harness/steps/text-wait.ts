/**
 * Waits for text on a graphical screen, read by OCR (text/), and says where it is. A frame is read
 * only once it has held still for the hold (screen-hold.ts: after the guest answered the last
 * input, the same for `hold`), so a screen being drawn costs no read; reads are cached by frame,
 * so a screen that stays costs one; only `area` is read when given. Failure patterns are looked
 * for in the same reads, the whole frame's, so a crash screen ends the wait at once. A timeout
 * lists what the last frame read said, line by line with boxes, and leaves that frame with the
 * boxes drawn.
 */
import * as z from 'zod';
import type { Pattern } from '../config/pattern.js';
import { patternSchema } from '../config/value-schemas.js';
import { FailurePatternError, TextNotFoundError, WaitTimeoutError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import { outlineBoxes } from '../screen/outline-box.js';
import { boxText, describeRead, findText, type TextMatch, type TextRead } from '../text/text-read.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil, SCREEN_INTERVALS } from './poll-until.js';
import { ScreenHold } from './screen-hold.js';
import { rectSchema } from './settle-screen.js';
import type { RegionReport, StepContext, StepReport } from './step-context.js';

/** Text to find on a graphical screen: where to read (`area`, default the whole frame) and which match (`nth`, from 1, top to bottom). */
export const textTargetSchema = z.strictObject({
  text: patternSchema,
  area: rectSchema.optional(),
  nth: z.number().int().min(1).default(1),
});
export type TextTarget = z.output<typeof textTargetSchema>;

export interface TextWait {
  readonly timeoutMs: number;
  readonly label: string;
  readonly holdMs: number;
  readonly failOn?: readonly Pattern[];
}

export interface TextFound {
  /** Which of the targets was found. */
  readonly index: number;
  readonly match: TextMatch;
  readonly frame: RawImage;
  readonly report: StepReport & { readonly region: RegionReport };
}

const LINE_COLOUR = [0x20, 0x60, 0xff, 0xff] as const;

export function describeTarget(t: TextTarget): string {
  return `text ${t.text.source}${t.area ? ` in ${boxText(t.area)}` : ''}${t.nth > 1 ? ` (match ${t.nth})` : ''}`;
}

/** Waits until one of `targets` is read on a frame that held, and returns the first found. */
export async function waitForText(ctx: StepContext, targets: readonly TextTarget[], options: TextWait): Promise<TextFound> {
  const failOn = [...ctx.failOn, ...(options.failOn ?? [])];
  const hold = new ScreenHold(ctx, options.holdMs, []);
  let last: { frame: RawImage; read: TextRead } | undefined;
  const what = targets.map(describeTarget).join(' or ');
  try {
    const found = await pollUntil({
      machine: ctx.machine,
      signal: ctx.signal,
      timeoutMs: options.timeoutMs,
      what,
      intervals: SCREEN_INTERVALS,
      checkFailures: failureChecker(ctx, options.failOn, () => undefined),
      probe: async () => {
        const frame = await ctx.machine.screenshot();
        ctx.lastFrame = frame;
        if (frame.placeholder || !(await hold.holds(frame, 'the screen'))) return undefined;
        if (failOn.length) {
          const whole = await ctx.ocr.read(frame, undefined, ctx.pointer);
          last = { frame, read: whole };
          checkFailOn(whole, failOn);
        }
        for (const [index, target] of targets.entries()) {
          const read = await ctx.ocr.read(frame, target.area, ctx.pointer);
          last = { frame, read };
          const match = findText(read, target.text)[target.nth - 1];
          if (match) return { index, match, frame };
        }
        return undefined;
      },
      lastSeen: () => '',
    });
    const region: RegionReport = {
      golden: describeTarget(targets[found.index]!),
      frame: { width: found.frame.width, height: found.frame.height },
      areas: [{ ...found.match.box, similarity: 1, found: true }],
      click: found.match.centre,
    };
    const shot = await ctx.artifacts.image(options.label, found.frame);
    const mark = ctx.machine.guestClock?.screenMark(found.frame);
    const report = { matched: found.match.text, region, artifacts: [shot], ...(mark ? { guest: { kind: 'match' as const, mark } } : {}) };
    return { ...found, report };
  } catch (error) {
    if (!(error instanceof WaitTimeoutError) || error instanceof TextNotFoundError) throw error;
    if (!last) throw new TextNotFoundError(what, options.timeoutMs, undefined);
    const drawn = outlineBoxes(last.frame, last.read.lines.map((l) => ({ box: l.box, colour: LINE_COLOUR })));
    const actual = await ctx.artifacts.image(`${options.label}-read`, drawn);
    throw new TextNotFoundError(what, options.timeoutMs, describeRead(last.read), { actual });
  }
}

function checkFailOn(read: TextRead, patterns: readonly Pattern[]): void {
  for (const p of patterns) {
    const m = findText(read, p)[0];
    if (m) throw new FailurePatternError(p.source, 'screen', `${describeRead(read, 12)}\n(matched ${JSON.stringify(m.text)} at ${boxText(m.box)}, by OCR)`);
  }
}
