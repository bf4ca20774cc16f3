/**
 * A phase's time budgets: wall clock, checked as the phase ends, and guest time, checked once the
 * machine is gone (QEMU's counts are complete only then).
 */
import { BudgetExceededError, GuestClockError } from '../errors.js';
import type { GuestClock } from '../machine/guest-clock.js';
import type { PhaseResult } from '../model/results.js';
import type { Phase } from '../scenario/scenario.js';
import { brokenGuestBudget, phaseGuestTimes, type GuestEvent } from './guest-time.js';

/** The phase's budgets as its result carries them. */
export function phaseBudgets(phase: Phase): Pick<PhaseResult, 'budgetMs' | 'guestBudget'> {
  return { ...(phase.budgetMs ? { budgetMs: phase.budgetMs } : {}), ...(phase.guestBudget ? { guestBudget: phase.guestBudget } : {}) };
}

/** The error for a phase that ran whole and took longer than its wall-clock budget, if it did. */
export function wallBudgetError(phase: Phase, tookMs: number): BudgetExceededError | undefined {
  return phase.budgetMs !== undefined && tookMs > phase.budgetMs ? new BudgetExceededError(phase.name, phase.budgetMs, tookMs) : undefined;
}

/**
 * Writes each phase's guest time into its result and checks the guest budgets of an attempt
 * that passed so far. Returns the attempt's error: a broken budget fails it, a budget that
 * cannot be checked is the guest clock's failure (infra), never a silent pass.
 */
export async function checkGuestBudgets(defs: readonly Phase[], clock: GuestClock, events: readonly GuestEvent[], phases: PhaseResult[], error: unknown, warnings: string[]): Promise<unknown> {
  const times = await phaseGuestTimes(clock, events, defs.length);
  if (times.problem) warnings.push(`guest clock: ${times.problem}`);
  let verdict = error;
  for (const [i, def] of defs.entries()) {
    const result = phases[i];
    const time = times.phases[i];
    if (!result) continue;
    if (time) phases[i] = { ...result, guest: time };
    // The result carries the budget only for a phase that ran whole in this job.
    if (verdict !== undefined || !result.guestBudget || result.outcome !== 'passed') continue;
    if (!time) {
      verdict = new GuestClockError(`phase ${def.name} has a guest-time budget but its guest time could not be measured: ${times.problem ?? 'the phase has no wait to measure to'}`);
      continue;
    }
    const broken = brokenGuestBudget(result.guestBudget, time);
    if (broken) {
      phases[i] = { ...phases[i]!, outcome: 'failed' };
      verdict = new BudgetExceededError(def.name, broken.budget, broken.actual, broken.clock);
    }
  }
  return verdict;
}
