/**
 * Clicks at a point in screen pixels, on a region golden, or on text read by OCR (`{text, area?,
 * nth?}`): waits for it and clicks where it was found, on the golden's click point or its first
 * area's centre, or on the centre of the matched words' box. A golden's whole wait goes in the step,
 * so a click never lands on a stale position, and the match must hold (screen-hold.ts): on a
 * frame of the guest's answer to the last input, the same for `hold` (default 300 ms).
 */
import * as z from 'zod';
import { goldenNameSchema } from '../config/value-schemas.js';
import { ConfigError } from '../errors.js';
import { clickAt } from '../machine/pointer.js';
import { buttonSchema, pointSchema } from './point-schema.js';
import type { RegionReport } from './step-context.js';
import { defineStep } from './step-kind.js';
import { DEFAULT_HOLD_MS } from './screen-hold.js';
import { giveInput } from './input-report.js';
import { waitForScreen, waitScreenStep } from './wait-screen.js';
import { waitTimeoutMs } from './step-kind.js';
import { resolveTarget } from './pointer-target.js';
import { describeTarget, textTargetSchema } from './text-wait.js';

const how = { button: buttonSchema.default('left'), double: z.boolean().default(false) };

const clickSchema = z.union([
  goldenNameSchema.transform((golden) => ({ golden, button: 'left' as const, double: false })),
  pointSchema.extend(how),
  z.strictObject({ golden: goldenNameSchema, ...how }),
  textTargetSchema.extend(how),
]);

export const clickStep = defineStep({
  key: 'click',
  schema: clickSchema,
  wait: true,
  run: async (ctx, spec, step, label) => {
    let report = {};
    let at: { x: number; y: number };
    if ('golden' in spec) {
      ctx.lastRegion = undefined;
      report = await waitForScreen(ctx, waitScreenStep.schema.parse(spec.golden), {
        timeoutMs: waitTimeoutMs(ctx, step),
        label,
        holdMs: step.hold ?? DEFAULT_HOLD_MS,
        needsAreas: true,
        ...(step.failOn ? { failOn: step.failOn } : {}),
      });
      // The wait sets it; the compiler still sees the undefined assigned above.
      const region = ctx.lastRegion as RegionReport | undefined;
      if (region?.golden !== spec.golden) {
        throw new ConfigError(`golden ${spec.golden} has no areas to click: give it a sidecar ${spec.golden}.regions.yaml (docs/region-matching.md)`, { field: 'click' });
      }
      at = region.click;
    } else if ('text' in spec) {
      ({ at, report } = await resolveTarget(ctx, spec, step, label));
    } else {
      at = spec;
    }
    // The frame the match was found on is the screen just before the click.
    const input = await giveInput(ctx, () => clickAt(ctx.machine, at.x, at.y, spec.button, { double: spec.double }), {
      pointer: { x: at.x, y: at.y },
      ...(('golden' in spec || 'text' in spec) && ctx.lastFrame ? { before: ctx.lastFrame } : {}),
    });
    return { ...report, ...input };
  },
  describe: (spec) => `${spec.double ? 'double-click' : 'click'}${spec.button === 'left' ? '' : ` ${spec.button}`} ${'golden' in spec ? spec.golden : 'text' in spec ? describeTarget(spec) : `at ${spec.x},${spec.y}`}`,
});
