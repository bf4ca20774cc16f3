/**
 * bootgate as a library: `import { run, loadScenario } from 'bootgate'`. A thin typed face over
 * what `bootgate run` does, so a script gets the same jobs, outcomes, report folder and exit code
 * as the command line, with options as numbers and lists instead of flag strings.
 */
import { runScenarios, runTargets, type RunCommandOptions } from '../cli/run-command.js';
import type { Scenario } from '../scenario/scenario.js';
import type { UpdateMode } from '../screen/golden-store.js';
import type { FilmstripMode } from '../run/run-attempt.js';
import type { RunResult } from '../model/results.js';

export { loadScenario } from '../scenario/load-scenario.js';
export { EXIT } from '../model/outcome.js';
export type { Outcome } from '../model/outcome.js';
export type { AttemptResult, JobResult, PhaseResult, RunResult, RunSummary, StepResult } from '../model/results.js';
export type { Scenario } from '../scenario/scenario.js';
export type { FilmstripMode } from '../run/run-attempt.js';
export type { UpdateMode } from '../screen/golden-store.js';

/** The options of `bootgate run`, typed; each has the command line's default. */
export interface RunOptions {
  readonly backend?: readonly string[];
  readonly profile?: readonly string[];
  readonly grep?: string;
  /** Default `bootgate-report`, relative to the working directory. */
  readonly reportDir?: string;
  readonly junit?: string;
  /** Default `missing`; `none` whenever `ci` is true. */
  readonly updateGoldens?: UpdateMode;
  readonly jobs?: number;
  readonly timeoutScale?: number;
  readonly retries?: number;
  readonly filmstrip?: FilmstripMode;
  readonly guestClock?: boolean;
  readonly baseline?: string;
  readonly tolerance?: string;
  /** `"i/n"`, as `--shard`. */
  readonly shard?: string;
  readonly durations?: string;
  /** Report jobs whose inputs are unchanged since a run that passed them as `cached` (`--reuse-verdicts`). */
  readonly reuseVerdicts?: boolean;
  /** Default: the CI environment variable, as the command line reads it. */
  readonly ci?: boolean;
  readonly signal?: AbortSignal;
  /** Where the console lines go; default stdout. */
  readonly write?: (line: string) => void;
}

/**
 * Runs scenario files or folders (default `scenarios/`), or scenarios already loaded, and writes
 * the report folder. Bad input throws the same errors the command line prints in one line.
 */
export async function run(targets: string | readonly string[] | readonly Scenario[] = [], options: RunOptions = {}): Promise<{ run: RunResult; exitCode: number }> {
  const { ci, signal, write, jobs, ...flags } = options;
  const env = { ...(ci === undefined ? {} : { ci }), ...(signal ? { signal } : {}), ...(write ? { write } : {}) };
  const asFlags: RunCommandOptions = {
    ...flags,
    reportDir: flags.reportDir ?? 'bootgate-report',
    timeoutScale: String(flags.timeoutScale ?? 1),
    retries: String(flags.retries ?? 0),
    filmstrip: flags.filmstrip ?? 'on-failure',
    tolerance: flags.tolerance ?? '10%',
    ...(jobs === undefined ? {} : { jobs: String(jobs) }),
  };
  if (typeof targets === 'string') return runTargets([targets], asFlags, env);
  if (targets.length && typeof targets[0] !== 'string') return runScenarios(targets as readonly Scenario[], asFlags, env);
  return runTargets(targets as readonly string[], asFlags, env);
}
