/**
 * When a wait may act on a match. A click, a waitAny branch or a repeat's `until` that acts on the
 * first frame that matches races the guest: the frame may be from before the guest answered the
 * last input (a list that redraws 200 ms after a scroll still shows the old rows), or the guest
 * may still be drawing (a default selection applied just after the list appeared). So a match
 * counts only on a frame taken after the guest reacted to the last input, one that differs from
 * the screen just before it or comes REACTION_MS after it when nothing changed, and only once the
 * screen has stayed the same, outside the masks and the pointer, for the hold.
 *
 * The hold is the guest's, not the host's: on a starved emulator a list half-way through a scroll
 * stays on the screen for longer than the hold in wall time, so a held screen counts only once
 * the guest has also had its turn (guest-turn.ts) for most of the hold.
 */
import * as z from 'zod';
import { durationSchema } from '../config/value-schemas.js';
import type { RawImage } from '../machine/raw-image.js';
import { cpuNow, guestHadTurn } from '../machine/guest-turn.js';
import { sameFrame, type Rect } from '../machine/same-frame.js';
import { pointerBox } from '../screen/pointer-box.js';
import type { StepContext } from './step-context.js';

/** How long a screen must stay the same before a step acts on it: a few polls, under a person's notice. */
export const DEFAULT_HOLD_MS = 300;
/** A frame this long after an input stands for the guest's answer even when the screen did not change. */
export const REACTION_MS = 500;
/** The share of the hold the emulator must have run for, unless its guest is idle. */
const HOLD_CPU_SHARE = 0.75;

/** The `hold:` a step may give: 0 acts on the first matching frame, as before. */
export const holdSchema = z.union([z.literal(0), durationSchema]);

export class ScreenHold {
  private run: { readonly key: string; readonly frame: RawImage; readonly since: number; readonly cpuMs: number | undefined } | undefined;
  private why: string | undefined;
  private readonly masks: readonly Rect[];

  constructor(
    private readonly ctx: StepContext,
    readonly holdMs: number,
    masks: readonly Rect[],
  ) {
    this.masks = [...masks, ...(ctx.pointer ? [pointerBox(ctx.pointer)] : [])];
  }

  /** Whether `frame`, which matched as `key` (the golden's name), may be acted on at `now`. */
  async holds(frame: RawImage, key: string, now = performance.now()): Promise<boolean> {
    if (this.holdMs === 0) return true;
    if (!this.answered(frame, now)) {
      this.run = undefined;
      this.why = `${key} matched, but only on frames from before the guest answered the last input`;
      return false;
    }
    if (!this.run || this.run.key !== key || !sameFrame(this.run.frame, frame, this.masks)) this.run = { key, frame, since: now, cpuMs: await cpuNow(this.ctx.machine) };
    if (now - this.run.since < this.holdMs) {
      this.why = `${key} matched, but the screen did not stay the same for ${this.holdMs} ms`;
      return false;
    }
    const turn = await guestHadTurn(this.ctx.machine, this.run.cpuMs, HOLD_CPU_SHARE * this.holdMs);
    if (turn.had) return true;
    this.why = `${key} matched and held ${Math.round(now - this.run.since)} ms, but the emulator ran for only ${Math.round(turn.ranMs!)} ms of it and its guest was busy`;
    return false;
  }

  /** A frame that did not match: a run of matches is broken. */
  missed(): void {
    this.run = undefined;
  }

  /** Why a match seen was not acted on, for the timeout message; undefined when none was seen. */
  get waiting(): string | undefined {
    return this.why;
  }

  private answered(frame: RawImage, now: number): boolean {
    const input = this.ctx.lastInput;
    if (!input?.before || now - input.at >= REACTION_MS) return true;
    const masks = input.pointerBefore ? [...this.masks, pointerBox(input.pointerBefore)] : this.masks;
    return !sameFrame(input.before, frame, masks);
  }
}

/** How much longer than its own wait a look needs so a match can still be acted on: the hold and what remains of the reaction time. */
export function holdAllowanceMs(ctx: StepContext, holdMs: number): number {
  if (holdMs === 0) return 0;
  const sinceInput = ctx.lastInput ? performance.now() - ctx.lastInput.at : Infinity;
  return holdMs + Math.max(0, REACTION_MS - sinceInput);
}
