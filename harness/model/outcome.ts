/**
 * Outcome classes, kept distinct everywhere because CI gates on them: an image that misbehaved
 * (failed) must never be confused with a host that broke (infra-error).
 */
import type { ErrorClass } from '../errors.js';

export type Outcome =
  | 'passed'
  /** The image misbehaved: a wait timed out, a failure pattern matched, a screen differed, a budget broke. */
  | 'failed'
  /** The emulator or host broke; says nothing about the image. */
  | 'infra-error'
  /** Bad input found while running (a golden that is not a PNG, a key that does not exist). */
  | 'config-error'
  /** Failed or infra-error first, passed on a retry. */
  | 'flaky'
  /** The backend cannot emulate the profile; never run on other hardware instead. */
  | 'skipped'
  /** Failed the way the scenario declares it must (known incompatibility, known emulator bug). */
  | 'expected-failure'
  /** The run was stopped (Ctrl-C, SIGTERM, SIGHUP, or killed) before this job had a verdict: nothing is known about the image. */
  | 'interrupted'
  /**
   * Not run now: an earlier run with every input the same (`--reuse-verdicts`) passed it, or saw
   * it fail as declared; that run's date and verdict go with it. Never a fresh pass.
   */
  | 'cached';

export const OUTCOMES: readonly Outcome[] = ['passed', 'failed', 'infra-error', 'config-error', 'flaky', 'skipped', 'expected-failure', 'interrupted', 'cached'];

/** The outcomes that let a gate pass: the rest mean the image, the input or the host broke. */
export function holdsGate(outcome: string): boolean {
  return outcome === 'passed' || outcome === 'flaky' || outcome === 'expected-failure' || outcome === 'skipped' || outcome === 'cached';
}

export function outcomeOfErrorClass(errorClass: ErrorClass | undefined): Outcome {
  switch (errorClass) {
    case 'failed':
      return 'failed';
    case 'config':
      return 'config-error';
    case 'unsupported':
      return 'skipped';
    case 'interrupted':
      return 'interrupted';
    default:
      // Anything unclassified is our bug or the host's, not the image's.
      return 'infra-error';
  }
}

/**
 * Exit codes (docs/architecture.md, "Outcomes and exit codes"): an interrupted run says so first
 * (its other verdicts are partial), then a definite image failure outranks an infra error, which
 * outranks success. `review`: every job passed, but goldens were written in the default mode and
 * nobody has looked at them yet.
 */
export const EXIT = { passed: 0, failed: 1, config: 2, infra: 3, review: 4, interrupted: 130 } as const;

export function exitCodeFor(outcomes: readonly Outcome[]): number {
  if (outcomes.includes('interrupted')) return EXIT.interrupted;
  if (outcomes.includes('failed')) return EXIT.failed;
  if (outcomes.includes('config-error')) return EXIT.config;
  if (outcomes.includes('infra-error')) return EXIT.infra;
  return EXIT.passed;
}
