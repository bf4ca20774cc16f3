/** The steps that act on the machine rather than wait for it. */
import { chordsForText, parseChord } from '../machine/keys.js';
import type { StepContext, StepReport } from './step-context.js';

/** The guest clock's mark of the input just given, so guest time leaves out the wait before it. */
function inputReport(ctx: StepContext): StepReport {
  const mark = ctx.machine.guestClock?.inputMark();
  return mark ? { guest: { kind: 'input', mark } } : {};
}

/** Fast enough for a person's patience, slow enough that neither emulator's keyboard buffer overflows. */
export const DEFAULT_MS_PER_CHAR = 25;
const GAP_BETWEEN_CHORDS_MS = 50;

export async function typeText(ctx: StepContext, text: string, msPerChar = DEFAULT_MS_PER_CHAR): Promise<StepReport> {
  chordsForText(text); // refuse untypeable text before sending half of it
  await ctx.machine.typeText(text, msPerChar);
  return inputReport(ctx);
}

export async function pressKeys(ctx: StepContext, chords: readonly string[]): Promise<StepReport> {
  const parsed = chords.map(parseChord);
  for (const [i, chord] of parsed.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, GAP_BETWEEN_CHORDS_MS));
    await ctx.machine.pressKeys(chord);
  }
  return inputReport(ctx);
}

export async function sendSerial(ctx: StepContext, text: string): Promise<StepReport> {
  await ctx.machine.sendSerial(text);
  return inputReport(ctx);
}

export async function reboot(ctx: StepContext): Promise<StepReport> {
  await ctx.machine.reset();
  return inputReport(ctx);
}

export async function screenshot(ctx: StepContext, name: string): Promise<StepReport> {
  const frame = await ctx.machine.screenshot();
  ctx.lastFrame = frame;
  return { artifacts: [await ctx.artifacts.image(name, frame)] };
}
