/**
 * The results document: data first. Every reporter (console, JUnit, JSON, HTML) renders this,
 * and `compare` reads it back, so it is versioned and plain JSON.
 */
import type { BackendName } from '../machine/machine.js';
import type { PointerLanding } from '../machine/pointer-landing.js';
import type { Rect } from '../machine/same-frame.js';
import type { GoldenRecord } from '../screen/golden-store.js';
import type { Outcome } from './outcome.js';

/** The verdicts a later run may reuse: failed, flaky and infra-error ones never are. */
export type CachedVerdict = 'passed' | 'expected-failure';
import type { FailureKind } from '../errors.js';
import type { RegionReport } from '../steps/step-context.js';

export type { GoldenRecord } from '../screen/golden-store.js';

export interface StepResult {
  readonly index: number;
  readonly kind: string;
  readonly description: string;
  /** `restored`: the job started from a saved state taken after this step, so it did not run here. */
  readonly outcome: 'passed' | 'failed' | 'not-run' | 'restored';
  readonly durationMs: number;
  readonly matched?: string;
  /** A region golden's match: where each area was found and where a click on it goes, in the frame's pixels. */
  readonly region?: RegionReport;
  /** Where the pointer is after the step, in screen pixels. */
  readonly pointer?: { readonly x: number; readonly y: number };
  /** Where a walked (PS/2) pointer's cursor was last seen, and after how many corrections. */
  readonly landing?: PointerLanding;
  readonly note?: string;
  readonly error?: string;
  readonly artifacts: readonly string[];
  /** Where the step is written (1-based line), for CI annotations and the report; the file differs from the job's for a `from:` scenario's inherited steps. */
  readonly source?: { readonly file: string; readonly line: number };
  readonly goldens?: readonly GoldenRecord[];
  /** The screen never held still: the box of the pixels that kept changing. */
  readonly moving?: Rect;
}

export interface PhaseResult {
  readonly name: string;
  /** When the phase began, in ms after the attempt began (machine start included), so phases line up on one timeline. */
  readonly offsetMs: number;
  /** `restored`: every step of it was, so it took no time in this job. */
  readonly outcome: 'passed' | 'failed' | 'not-run' | 'restored';
  readonly durationMs: number;
  readonly budgetMs?: number;
  /**
   * Guest time (docs/guest-time.md): instructions the guest executed toward the phase's matches,
   * and the same at 4 ns each. `exact` is false when an end of it was a screen match, which is
   * timed when bootgate looked rather than when the guest drew it.
   */
  readonly guest?: { readonly instructions: number; readonly ms: number; readonly exact: boolean };
  readonly guestBudget?: { readonly ms?: number; readonly instructions?: number };
  readonly steps: readonly StepResult[];
}

export interface JobError {
  /** failed | infra | config | unsupported */
  readonly class: string;
  /** The error type, e.g. WaitTimeoutError. */
  readonly type: string;
  /** Which kind of failure it was, for dashboards to count (errors.ts, failureKindOf). */
  readonly kind?: FailureKind;
  readonly message: string;
  readonly artifacts?: Readonly<Record<string, string>>;
}

export interface AttemptResult {
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly error?: JobError;
  /** This attempt's own evidence (each attempt has its own folder), so a flaky job's failed try can be seen. */
  readonly artifacts?: Readonly<Record<string, string>>;
  /** The step this attempt failed at, when it failed at one: a flaky job's final phases are its passing attempt's. */
  readonly failedStep?: Pick<StepResult, 'index' | 'description' | 'source'>;
}

export interface JobResult {
  readonly id: string;
  /** `failOn`: the failure patterns as written and as regular expressions, to highlight in the serial log. */
  readonly scenario: {
    readonly name: string;
    readonly file: string;
    readonly description: string;
    readonly failOn?: readonly { readonly source: string; readonly regex: string; readonly flags: string }[];
  };
  readonly backend: BackendName;
  readonly profile: string;
  readonly memoryMiB: number;
  readonly outcome: Outcome;
  /** Why the failure was expected, when outcome is expected-failure. */
  readonly expectedReason?: string;
  readonly error?: JobError;
  readonly attempts: readonly AttemptResult[];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly phases: readonly PhaseResult[];
  readonly host: { readonly peakRssBytes?: number };
  /** Paths relative to the report folder. */
  readonly artifacts: Readonly<Record<string, string>>;
  /** The emulator invocation that reproduces the machine. */
  readonly command?: string;
  /** Problems that did not decide the outcome, such as evidence that could not be written. */
  readonly warnings?: readonly string[];
  /** The images the job booted, measured before the boot. */
  readonly images?: readonly { readonly role: string; readonly path: string; readonly sizeBytes: number }[];
  /** When the guest reset the machine by itself (a triple fault, a reset line), in seconds after it started. */
  readonly guestResets?: readonly number[];
  /** The job started from a saved state instead of booting: a snapshot point, or `--from-state`. */
  readonly restored?: { readonly from: string; readonly snapshot?: string; readonly resumeAt: number };
  /**
   * Set when the outcome is cached: the verdict, date and duration of the run that earned it, and
   * the key of its inputs (harness/run/verdict-key.ts). Its phases are that run's.
   */
  readonly cached?: { readonly verdict: CachedVerdict; readonly startedAt: string; readonly durationMs: number; readonly key: string };
  /** Set by `bootgate ram-floor`: the least memory at which the job passes, and how it was found. */
  readonly ramFloor?: {
    readonly floorMiB?: number;
    readonly probes: readonly { readonly memoryMiB: number; readonly outcome: string; readonly durationMs: number; readonly error?: string }[];
    readonly belowFloor?: { readonly memoryMiB: number; readonly error?: string };
    readonly problem?: string;
  };
}

export interface RunSummary {
  readonly total: number;
  /** One line per scenario × profile run on several backends: same outcome, or which one failed where. */
  readonly crossBackend?: readonly { readonly scenario: string; readonly profile: string; readonly verdict: string }[];
  readonly counts: Readonly<Record<Outcome, number>>;
  /** Goldens this run created or updated: to be looked at before they gate. */
  readonly goldensWritten?: number;
  readonly exitCode: number;
}

export interface RunResult {
  readonly version: 1;
  /**
   * Set while the run goes on: results are rewritten as each job ends, so a run that is killed
   * (SIGKILL, OOM killer, CI timeout) leaves this report with its finished verdicts, the rest
   * interrupted. A run that ends, even by Ctrl-C, writes its report without it.
   */
  readonly incomplete?: true;
  readonly tool: { readonly name: 'bootgate'; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly options: { readonly updateGoldens: string; readonly timeoutScale: number; readonly jobs: number; readonly retries: number };
  readonly jobs: readonly JobResult[];
  readonly summary: RunSummary;
  /** Set by `run --shard i/n`: this run is shard `index` of `total`; `planned` is every job of the whole run in order with its shard, so a merge knows what a missing shard should have run. */
  readonly shard?: { readonly index: number; readonly total: number; readonly planned: readonly { readonly id: string; readonly shard: number }[] };
}
