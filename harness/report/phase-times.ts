/**
 * How a phase's times read in every report: its wall time, and its guest time where measured
 * (docs/guest-time.md), marked `≈` when one end of it was a screen match timed at the poll.
 */
import { formatDuration } from '../config/duration.js';
import type { PhaseResult } from '../model/results.js';
import { groupDigits } from '../util/group-digits.js';

export function guestTimeText(guest: NonNullable<PhaseResult['guest']>): string {
  const ms = guest.ms < 1000 ? `${guest.ms.toFixed(guest.ms < 10 ? 2 : 0)} ms` : `${(guest.ms / 1000).toFixed(3)} s`;
  return `${guest.exact ? '' : '≈'}${ms} guest`;
}

/** "boot 14.1 s (26.318 s guest)", or "boot -" for a phase that did not run. */
export function phaseTimeText(phase: PhaseResult): string {
  if (phase.outcome === 'not-run') return `${phase.name} -`;
  if (phase.outcome === 'restored') return `${phase.name} restored`;
  return `${phase.name} ${formatDuration(phase.durationMs)}${phase.guest ? ` (${guestTimeText(phase.guest)})` : ''}`;
}

/** The phase's budgets as one line: "wall 90 s, guest 40 s, 5,000,000,000 instructions". */
export function budgetText(phase: PhaseResult): string {
  const parts = [
    phase.budgetMs !== undefined ? `wall ${formatDuration(phase.budgetMs)}` : '',
    phase.guestBudget?.ms !== undefined ? `guest ${formatDuration(phase.guestBudget.ms)}` : '',
    phase.guestBudget?.instructions !== undefined ? `${groupDigits(phase.guestBudget.instructions)} instructions` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

/** "3 (at 0.4 s, 0.9 s, 1.4 s)": the guest's own resets, for every reporter alike. */
export function resetsText(atSeconds: readonly number[]): string {
  return `${atSeconds.length} (at ${atSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')})`;
}
