/**
 * How an input step gives its input: it notes the screen just before (so a wait after it can tell
 * the guest's answer from the screen as it was) and where the pointer went, and reports the guest
 * clock's mark of the input, so guest time leaves out the wait before it.
 */
import type { PointerLanding } from '../machine/pointer-landing.js';
import type { RawImage } from '../machine/raw-image.js';
import type { StepContext, StepReport } from './step-context.js';

export async function giveInput(
  ctx: StepContext,
  give: () => Promise<PointerLanding | undefined | void>,
  options: { readonly before?: RawImage; readonly pointer?: { readonly x: number; readonly y: number } } = {},
): Promise<StepReport> {
  const before = options.before ?? (ctx.lastFrame = await ctx.machine.screenshot());
  const pointerBefore = ctx.pointer;
  const landing = await give();
  ctx.lastInput = { at: performance.now(), before, ...(pointerBefore ? { pointerBefore } : {}) };
  if (options.pointer) ctx.pointer = options.pointer;
  return { ...inputReport(ctx), ...(options.pointer ? { pointer: options.pointer } : {}), ...(landing ? { landing } : {}) };
}

/** The guest clock's mark of the input just given; enough for inputs that do not aim at the screen (serial, reset). */
export function inputReport(ctx: StepContext): StepReport {
  const mark = ctx.machine.guestClock?.inputMark();
  return mark ? { guest: { kind: 'input', mark } } : {};
}
