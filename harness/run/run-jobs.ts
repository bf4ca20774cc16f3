/**
 * Runs a planned set of jobs on a p-queue, retrying failed attempts when asked (a pass on retry
 * is reported as flaky, never as passed) and applying declared expected failures.
 */
import PQueue from 'p-queue';
import type { JobResult } from '../model/results.js';
import type { Job } from '../model/job.js';
import { markNotRun, runAttempt, type Attempt, type AttemptOptions } from './run-attempt.js';
import type { Outcome } from '../model/outcome.js';
import { SnapshotCache } from './snapshot-cache.js';
import type { VerdictCache } from './verdict-cache.js';
import { verdictKey } from './verdict-key.js';
import type { Scenario } from '../scenario/scenario.js';
import { stepSources, type StepSource } from '../scenario/step-sources.js';

export interface RunJobsOptions extends AttemptOptions {
  /** Jobs at once. */
  readonly concurrency: number;
  /** Extra attempts for a job that failed or hit an infra error. */
  readonly retries: number;
  readonly onJobStart?: (job: Job, attempt: number) => void;
  readonly onJobEnd?: (result: JobResult) => void;
  /** Reuse verdicts of earlier runs with the same inputs, and keep this run's (`--reuse-verdicts`). */
  readonly verdicts?: VerdictCache;
}

export async function runJobs(jobs: readonly Job[], runOptions: RunJobsOptions): Promise<JobResult[]> {
  // One cache for the run: jobs that start from the same snapshot point take turns on it.
  const options = { ...runOptions, snapshots: runOptions.snapshots ?? new SnapshotCache() };
  const queue = new PQueue({ concurrency: Math.max(1, options.concurrency) });
  const results = await Promise.all(
    jobs.map((job) =>
      queue.add(async () => {
        const result = options.verdicts ? await runOrReuse(job, options, options.verdicts) : await runJobWithRetries(job, options);
        options.onJobEnd?.(result);
        return result;
      }),
    ),
  );
  return results;
}

/**
 * The job's verdict from the cache when its inputs are all the same as a run that earned one,
 * else a run, whose verdict is kept when it may be reused. The key is taken before the boot, so
 * the inputs are those the job started with. An excluded job costs nothing to skip again.
 */
async function runOrReuse(job: Job, options: RunJobsOptions & { readonly snapshots: SnapshotCache }, verdicts: VerdictCache): Promise<JobResult> {
  if (job.exclusion || options.fromState || options.signal?.aborted) return runJobWithRetries(job, options);
  const key = await verdictKey(job, options);
  const cached = verdicts.find(key);
  if (cached) return cached;
  const result = await runJobWithRetries(job, options);
  verdicts.save(key, result);
  return result;
}

/** The result of a job the run ended before it had a verdict: every step not run. */
export function interruptedJobResult(job: Job, startedAt: string, why: string): JobResult {
  const phases: JobResult['phases'][number][] = [];
  markNotRun(job, phases);
  return {
    ...jobFields(job),
    outcome: 'interrupted',
    error: { class: 'interrupted', type: 'InterruptedError', kind: 'interrupted', message: why },
    attempts: [],
    startedAt,
    durationMs: 0,
    phases,
    host: {},
    artifacts: {},
  };
}

function jobFields(job: Job) {
  return {
    id: job.id,
    scenario: { name: job.scenario.name, file: job.scenario.file, description: job.scenario.description, failOn: job.scenario.failOn.map((p) => ({ source: p.source, regex: p.regex.source, flags: p.regex.flags })) },
    backend: job.backend,
    profile: job.profile.name,
    memoryMiB: job.profile.memoryMiB,
  };
}

async function runJobWithRetries(job: Job, options: RunJobsOptions & { readonly snapshots: SnapshotCache }): Promise<JobResult> {
  const startedAt = new Date().toISOString();
  // Jobs still queued when the run is interrupted start no machine.
  if (options.signal?.aborted) return interruptedJobResult(job, startedAt, `interrupted by ${String(options.signal.reason)} before it started`);
  const attempts: Attempt[] = [];
  for (let n = 1; n <= 1 + options.retries; n++) {
    if (n > 1 && options.signal?.aborted) break;
    options.onJobStart?.(job, n);
    const attempt = await runAttempt(job, n, options);
    attempts.push(attempt);
    const retryable = attempt.outcome === 'failed' || attempt.outcome === 'infra-error';
    if (!retryable || job.expectation) break;
  }
  const last = attempts[attempts.length - 1]!;
  const verdict = judge(job, attempts);
  return {
    ...jobFields(job),
    outcome: verdict.outcome,
    ...(verdict.expectedReason ? { expectedReason: verdict.expectedReason } : {}),
    ...(verdict.error ?? last.error ? { error: verdict.error ?? last.error } : {}),
    attempts: attempts.map((a) => {
      const failed = withStepSources(job.scenario, a.phases).flatMap((p) => p.steps).find((s) => s.outcome === 'failed');
      const failedStep = failed ? { index: failed.index, description: failed.description, ...(failed.source ? { source: failed.source } : {}) } : undefined;
      return { outcome: a.outcome, durationMs: a.durationMs, ...(a.error ? { error: a.error } : {}), artifacts: a.artifacts, ...(failedStep ? { failedStep } : {}) };
    }),
    startedAt,
    durationMs: attempts.reduce((t, a) => t + a.durationMs, 0),
    phases: withStepSources(job.scenario, last.phases),
    host: { ...(last.peakRssBytes !== undefined ? { peakRssBytes: last.peakRssBytes } : {}) },
    artifacts: last.artifacts,
    ...(last.command ? { command: last.command } : {}),
    images: last.images,
    ...(last.restored ? { restored: last.restored } : {}),
    ...(last.guestResets ? { guestResets: last.guestResets } : {}),
    ...(last.warnings.length ? { warnings: last.warnings } : {}),
  };
}

/** Read once per scenario in a run, when its first job ends. */
const sourcesOf = new WeakMap<Scenario, (StepSource | undefined)[]>();

function withStepSources(scenario: Scenario, phases: JobResult['phases']): JobResult['phases'] {
  let sources = sourcesOf.get(scenario);
  if (!sources) sourcesOf.set(scenario, (sources = stepSources(scenario)));
  const found = sources;
  return phases.map((p) => ({ ...p, steps: p.steps.map((s) => (found[s.index - 1] ? { ...s, source: found[s.index - 1]! } : s)) }));
}

function judge(job: Job, attempts: readonly Attempt[]): { outcome: Outcome; expectedReason?: string; error?: JobResult['error'] } {
  const last = attempts[attempts.length - 1]!;
  const expectation = job.expectation;
  if (expectation) {
    if (last.outcome === 'passed') {
      return {
        outcome: 'failed',
        error: { class: 'failed', type: 'UnexpectedPassError', kind: 'unexpected-pass', message: `expected to end as ${expectation.outcome} (${expectation.reason}) but passed: remove the expectation if the cause is gone` },
      };
    }
    const evidence = expectation.evidence;
    const text = `${last.error?.message ?? ''}\n${last.serialText}`;
    if (last.outcome === expectation.outcome && (!evidence || evidence.regex.test(text))) {
      return { outcome: 'expected-failure', expectedReason: expectation.reason };
    }
    return { outcome: last.outcome };
  }
  if (last.outcome === 'passed' && attempts.length > 1) return { outcome: 'flaky' };
  return { outcome: last.outcome };
}
