/**
 * Waits for the screen to hold still: the same picture, outside the masks and the cell of a
 * blinking text cursor, for a settle time. A golden is recorded only from such a frame, and
 * never from a blank screen or an emulator's placeholder unless asked: the first frame that
 * pauses for a moment is often a black screen between modes or a half-drawn page.
 */
import * as z from 'zod';
import { durationSchema } from '../config/value-schemas.js';
import { ScreenUnstableError, WaitTimeoutError } from '../errors.js';
import { isBlank, type RawImage } from '../machine/raw-image.js';
import { changedBox, sameFrame, unionBox, type Rect } from '../machine/same-frame.js';
import type { Pattern } from '../config/pattern.js';
import { outlineBox } from '../screen/outline-box.js';
import { failureChecker } from './failure-patterns.js';
import { pollUntil } from './poll-until.js';
import type { StepContext } from './step-context.js';

/** Long enough for a page drawn in pieces (an installer's, a menu's title before its entries) to finish. */
export const DEFAULT_SETTLE_MS = 2000;

/** Every 200 ms: a settle time is seconds, and each look at a changed screen may cost a text read. */
export const SETTLE_INTERVALS: readonly number[] = [0, 200];

export const rectSchema = z.strictObject({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** How long the screen must hold still (`settle:`), and whether a blank or placeholder frame will do. */
export const settleSchema = {
  settle: durationSchema.optional(),
  allowBlank: z.boolean().default(false),
};

export interface SettleOptions {
  readonly settleMs?: number;
  readonly masks?: readonly Rect[];
  readonly timeoutMs: number;
  /** For the timeout message: what the settled frame is for. */
  readonly what: string;
  /** Accept a single-colour frame or the emulator's placeholder. */
  readonly allowBlank?: boolean;
  readonly failOn?: readonly Pattern[];
  /** The step's label, for the frames an unstable screen leaves in the report. */
  readonly label: string;
}

/**
 * The frame once it has been the same for `settleMs`. Throws ScreenUnstableError, with the box
 * of the pixels that kept changing, when it never held still that long within the timeout.
 */
export async function settledFrame(ctx: StepContext, options: SettleOptions): Promise<RawImage> {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const masks = options.masks ?? [];
  let still: { frame: RawImage; since: number } | undefined;
  // Where the screen changed, and when: the timeout names the box of the recent changes.
  const changes: { at: number; box: Rect }[] = [];
  let blank = false;
  try {
    return await pollUntil({
      machine: ctx.machine,
      signal: ctx.signal,
      timeoutMs: options.timeoutMs,
      what: `the screen to hold still for ${(settleMs / 1000).toFixed(1)} s (${options.what})`,
      intervals: SETTLE_INTERVALS,
      // Waiting for a still screen: a guest that sits still meanwhile is what it waits for, not a stall.
      checkFailures: failureChecker(ctx, options.failOn, () => undefined, { stall: false }),
      probe: async () => {
        const frame = await ctx.machine.screenshot();
        ctx.lastFrame = frame;
        const now = performance.now();
        if (!still || !(await sameScreen(ctx, still.frame, frame, masks))) {
          blank = false;
          if (still) changes.push({ at: now, box: changedBox(still.frame, frame, [...masks, ...(await cursorMask(ctx, frame))]) ?? fullFrame(frame) });
          still = { frame, since: now };
          return undefined;
        }
        if (now - still.since < settleMs) return undefined;
        blank = !options.allowBlank && (!!frame.placeholder || isBlank(frame));
        return blank ? undefined : frame;
      },
      lastSeen: () => (blank ? 'a blank screen (or the emulator\'s "not initialized" placeholder)' : 'the screen kept changing'),
    });
  } catch (error) {
    if (blank || !ctx.lastFrame || !(error instanceof WaitTimeoutError)) throw error;
    // The changes of the last moments: a boot's early screens say nothing about what never stops.
    const recent = changes.filter((c) => c.at >= performance.now() - 2 * settleMs);
    const box = (recent.length ? recent : changes).reduce<Rect | undefined>((all, c) => unionBox(all, c.box), undefined) ?? fullFrame(ctx.lastFrame);
    const artifacts = {
      actual: await ctx.artifacts.image(`${options.label}-actual`, ctx.lastFrame),
      moving: await ctx.artifacts.image(`${options.label}-moving`, outlineBox(ctx.lastFrame, box)),
    };
    throw new ScreenUnstableError(error.message, box, artifacts);
  }
}

/** The same picture, or one that differs only where the emulator blinks the text cursor. */
export async function sameScreen(ctx: StepContext, a: RawImage, b: RawImage, masks: readonly Rect[]): Promise<boolean> {
  if (sameFrame(a, b, masks)) return true;
  if (a.width !== b.width || a.height !== b.height) return false;
  const cursor = await cursorMask(ctx, b);
  return cursor.length > 0 && sameFrame(a, b, [...masks, ...cursor]);
}

/** The blinking cursor's cell in pixels: the text page spans the whole frame. */
export async function cursorMask(ctx: StepContext, frame: RawImage): Promise<Rect[]> {
  const cursor = await ctx.machine.blinkingCursor?.();
  if (!cursor) return [];
  const [w, h] = [frame.width / cursor.columns, frame.height / cursor.rows];
  return [{ x: Math.floor(cursor.column * w), y: Math.floor(cursor.row * h), width: Math.ceil(w), height: Math.ceil(h) }];
}

function fullFrame(frame: RawImage): Rect {
  return { x: 0, y: 0, width: frame.width, height: frame.height };
}
