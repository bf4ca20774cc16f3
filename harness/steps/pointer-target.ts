/**
 * Where a pointer step goes: a point in screen pixels, or text read by OCR (`{text, area?,
 * nth?}`), waited for and taken at the centre of the matched words' box.
 */
import * as z from 'zod';
import { pointSchema } from './point-schema.js';
import { DEFAULT_HOLD_MS } from './screen-hold.js';
import type { StepContext, StepReport } from './step-context.js';
import { waitTimeoutMs, type StepOptions } from './step-kind.js';
import { describeTarget, textTargetSchema, waitForText } from './text-wait.js';

export const pointerTargetSchema = z.union([pointSchema, textTargetSchema]);
export type PointerTarget = z.output<typeof pointerTargetSchema>;

export async function resolveTarget(ctx: StepContext, target: PointerTarget, step: StepOptions, label: string): Promise<{ at: { x: number; y: number }; report: StepReport }> {
  if (!('text' in target)) return { at: target, report: {} };
  const found = await waitForText(ctx, [target], { timeoutMs: waitTimeoutMs(ctx, step), label, holdMs: step.hold ?? DEFAULT_HOLD_MS, ...(step.failOn ? { failOn: step.failOn } : {}) });
  return { at: found.match.centre, report: found.report };
}

export function describePointerTarget(target: PointerTarget): string {
  return 'text' in target ? describeTarget(target) : `${target.x},${target.y}`;
}
