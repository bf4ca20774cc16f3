/**
 * Failure screens (`failOnScreen:`) end a wait at once when the guest draws its own verdict: a
 * golden (whole-screen, or a region golden found wherever it moved) matches, or a text shows on
 * the text screen. Checked on the frames the wait takes anyway; a wait that takes none (a serial
 * or text wait) gets one screenshot a second, which costs nothing when the screen is unchanged.
 * Text on a graphical screen needs OCR, which bootgate does not have yet: `{text}` is checked on
 * text screens only.
 */
import * as z from 'zod';
import { goldenNameSchema, patternSchema } from '../config/value-schemas.js';
import type { Pattern } from '../config/pattern.js';
import { ConfigError, FailureScreenError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import { GoldenComparer } from '../screen/compare-screens.js';
import { RegionMatcher } from '../screen/region-golden.js';
import { regionSpecs } from './region-wait.js';
import type { StepContext } from './step-context.js';

export const failScreenSchema = z.union([goldenNameSchema.transform((golden) => ({ golden })), z.strictObject({ text: patternSchema })]);
export type FailScreen = { readonly golden: string } | { readonly text: Pattern };

/** The goldens among failure screens. */
export function screenGoldens(screens: readonly FailScreen[] | undefined): string[] {
  return (screens ?? []).flatMap((s) => ('golden' in s ? [s.golden] : []));
}

/** At most this often a wait that takes no frames of its own gets one, and one peek at the text. */
const LOOK_MS = 1000;

type Tester = { readonly name: string; readonly matches: (frame: RawImage) => boolean };

export function failureScreenChecker(ctx: StepContext, screens: readonly FailScreen[]): () => Promise<void> {
  const goldens = screenGoldens(screens);
  const texts = screens.flatMap((s) => ('text' in s ? [s.text] : []));
  let testers: Promise<Tester[]> | undefined;
  let checked: RawImage | undefined;
  let lastLook = performance.now();
  let lastText = -Infinity;
  return async () => {
    if (screens.length === 0) return;
    const now = performance.now();
    if (texts.length && now - lastText >= LOOK_MS) {
      lastText = now;
      const peek = await ctx.machine.peekText();
      if (peek !== undefined && texts.some((t) => t.regex.test(peek))) {
        const rows = ((await ctx.machine.textScreen()) ?? []).join('\n');
        const hit = texts.find((t) => t.regex.test(rows));
        if (hit) throw new FailureScreenError(hit.source, rows.split('\n').filter((r) => r.trim()).slice(-6).join(' | '));
      }
    }
    if (goldens.length === 0) return;
    if (ctx.lastFrame === checked && now - lastLook >= LOOK_MS) ctx.lastFrame = await ctx.machine.screenshot();
    const frame = ctx.lastFrame;
    if (!frame || frame === checked) return;
    checked = frame;
    lastLook = now;
    testers ??= loadTesters(ctx, goldens);
    const hit = (await testers).find((t) => t.matches(frame));
    if (hit) throw new FailureScreenError(hit.name, `golden ${hit.name} matched the screen`, { actual: await ctx.artifacts.image('failure-screen', frame) });
  };
}

/** The goldens, loaded once per wait; a missing one is a config error here, not a screen that never shows. */
async function loadTesters(ctx: StepContext, names: readonly string[]): Promise<Tester[]> {
  const loaded = await Promise.all(names.map((name) => ctx.goldens.load(name)));
  const missing = loaded.find((g) => !g.image);
  if (missing) throw new ConfigError(`no such golden: ${missing.path}`, { field: 'failOnScreen' });
  const specs = regionSpecs(loaded);
  return loaded.map((golden, i) => {
    const spec = specs[i];
    if (spec) {
      const matcher = new RegionMatcher(golden.image!, spec);
      return { name: golden.name, matches: (frame) => matcher.match(frame).match };
    }
    const comparer = new GoldenComparer(golden.image!, { threshold: 0.1, masks: [] });
    return { name: golden.name, matches: (frame) => comparer.compare(frame).match };
  });
}
