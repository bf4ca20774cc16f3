/** What an input step reports: the guest clock's mark of the input just given, so guest time leaves out the wait before it. */
import type { StepContext, StepReport } from './step-context.js';

export function inputReport(ctx: StepContext): StepReport {
  const mark = ctx.machine.guestClock?.inputMark();
  return mark ? { guest: { kind: 'input', mark } } : {};
}
