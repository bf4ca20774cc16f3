/**
 * Guest time per phase, from the marks a job's steps left: each wait adds the instructions from
 * the event before it (the previous match, or the last input the guest took, whichever came
 * later) to its own match. What the guest ran while bootgate made up its mind between a match
 * and the next input is left out: under icount sleep=off an idle guest runs ahead by however
 * long the host takes, so that part would make the figure depend on the host again.
 */
import { GUEST_NS_PER_INSTRUCTION, type GuestClock, type GuestMark, type GuestPoint } from '../machine/guest-clock.js';
import type { GuestBudget } from '../scenario/scenario.js';

export interface GuestEvent {
  readonly phase: number;
  readonly kind: 'match' | 'input';
  readonly mark: GuestMark;
}

export interface PhaseGuestTime {
  readonly instructions: number;
  /** instructions × 4 ns, in milliseconds. */
  readonly ms: number;
  /** Every event it was measured between was timed at the event itself; false when a screen match (timed at the poll) is one end. */
  readonly exact: boolean;
}

export interface GuestTimes {
  /** Per phase; undefined for a phase with no match, or where an event could not be placed. */
  readonly phases: readonly (PhaseGuestTime | undefined)[];
  readonly problem?: string;
}

export function instructionsToMs(instructions: number): number {
  return (instructions * GUEST_NS_PER_INSTRUCTION) / 1e6;
}

export async function phaseGuestTimes(clock: GuestClock, events: readonly GuestEvent[], phaseCount: number): Promise<GuestTimes> {
  const { points, problem } = await clock.resolve(events.map((e) => e.mark));
  const totals: ({ instructions: number; exact: boolean } | undefined)[] = new Array(phaseCount).fill(undefined);
  const unplaced = new Set<number>();
  // Power-on (or the restore of a saved state): every backend's count starts there at 0.
  let last: GuestPoint = { instructions: 0, exact: true };
  events.forEach((event, i) => {
    const point = points[i];
    if (!point) {
      unplaced.add(event.phase);
      return;
    }
    if (event.kind === 'match') {
      const total = (totals[event.phase] ??= { instructions: 0, exact: true });
      // A match on what was already there before the input counts nothing, rather than less than nothing.
      total.instructions += Math.max(0, point.instructions - last.instructions);
      total.exact &&= point.exact && last.exact;
    }
    if (point.instructions >= last.instructions) last = point;
  });
  const phases = totals.map((t, p) => (t && !unplaced.has(p) ? { instructions: t.instructions, ms: instructionsToMs(t.instructions), exact: t.exact } : undefined));
  return { phases, ...(problem ? { problem } : {}) };
}

/** The budget a measured phase broke, if any: guest milliseconds first, then instructions. */
export function brokenGuestBudget(budget: GuestBudget, time: PhaseGuestTime): { clock: 'guest' | 'instructions'; budget: number; actual: number } | undefined {
  if (budget.ms !== undefined && time.ms > budget.ms) return { clock: 'guest', budget: budget.ms, actual: time.ms };
  if (budget.instructions !== undefined && time.instructions > budget.instructions) return { clock: 'instructions', budget: budget.instructions, actual: time.instructions };
  return undefined;
}
