/**
 * `bootgate bisect`: between a profile where a scenario passes and one where it fails, finds the
 * smallest set of differences that makes it fail. Every try is an ordinary QEMU job of the
 * scenario on the good profile with some differences applied, with its own report folder; the
 * good and the bad profile are tried first, as the search's two ends. When memory is among the
 * answer, the RAM floor between the two sizes says from where on it fails (budget/ram-floor.ts).
 * QEMU only: v86 has one fixed CPU, so a CPU feature cannot be turned off there.
 */
import { findRamFloor, probeTimeoutAfter, type RamFloor } from '../budget/ram-floor.js';
import type { MachineFactory } from '../machine/machine.js';
import type { Profile } from '../machine/profile.js';
import { expandCpuModels } from '../machine/qemu/qemu-cpu-models.js';
import type { Job } from '../model/job.js';
import type { JobResult } from '../model/results.js';
import { runJobs } from '../run/run-jobs.js';
import type { Scenario } from '../scenario/scenario.js';
import { applyDifferences, describe, profileDifferences, type Difference, type ProfilePair } from './profile-differences.js';
import { smallestFailingSet, type Verdict } from './smallest-failing-set.js';

export interface BisectOptions {
  readonly reportDir: string;
  readonly timeoutScale: number;
  /** Tries booted side by side. */
  readonly concurrency: number;
  readonly createMachine: MachineFactory;
  readonly signal?: AbortSignal;
  /** Called as each try ends, for progress lines. */
  readonly onTry?: (t: BisectTry) => void;
}

export interface BisectTry {
  readonly n: number;
  /** The two ends of the search: the good profile as it is, and every difference applied. */
  readonly end?: 'good' | 'bad';
  readonly job: string;
  /** The differences applied to the good profile, as `describe` writes them. */
  readonly applied: readonly string[];
  readonly cpu: string;
  readonly memoryMiB: number;
  readonly verdict: Verdict;
  readonly outcome: string;
  readonly kind?: string;
  readonly durationMs: number;
  readonly error?: string;
}

export interface BisectResult {
  readonly scenario: string;
  readonly backend: 'qemu';
  readonly good: string;
  readonly bad: string;
  readonly differences: readonly string[];
  readonly tries: readonly BisectTry[];
  /** The smallest failing set found, or undefined when the two ends did not pass and fail. */
  readonly smallest?: readonly string[];
  /** Every difference that fails alone. */
  readonly failsAlone?: readonly string[];
  readonly ramFloor?: RamFloor;
  readonly problem?: string;
  readonly wallMs: number;
  /** The tries as job results, for results.json and the HTML report. */
  readonly jobs: readonly JobResult[];
}

export async function runBisect(scenario: Scenario, good: Profile, bad: Profile, options: BisectOptions): Promise<BisectResult> {
  const started = performance.now();
  const [goodCpu, badCpu] = await expandCpuModels([good.cpu, bad.cpu]);
  const pair: ProfilePair = { good, bad, goodCpu: goodCpu!, badCpu: badCpu! };
  const differences = profileDifferences(pair);
  const tries: BisectTry[] = [];
  const jobs: JobResult[] = [];
  // Expectations are for gating; a try's verdict is what the image did.
  let tryScenario: Scenario = { ...scenario, expect: [] };

  const runTries = async (sets: readonly (readonly Difference[])[], memoryMiB?: number, ends?: readonly ('good' | 'bad')[]): Promise<BisectTry[]> => {
    const planned = sets.map((applied, i) => {
      const n = tries.length + i + 1;
      const name = `try-${String(n).padStart(2, '0')}`;
      const profile = applyDifferences(pair, applied, name);
      const job: Job = { id: `${scenario.name}--qemu--${name}`, scenario: tryScenario, backend: 'qemu', profile: memoryMiB ? { ...profile, memoryMiB } : profile };
      return { n, job, applied };
    });
    const results = await runJobs(
      planned.map((p) => p.job),
      { concurrency: options.concurrency, retries: 0, reportDir: options.reportDir, updateMode: 'none', timeoutScale: options.timeoutScale, createMachine: options.createMachine, ...(options.signal ? { signal: options.signal } : {}) },
    );
    const ended = planned.map(({ n, job, applied }, i) => {
      const result = results[i]!;
      jobs.push(result);
      const t: BisectTry = {
        n,
        ...(ends?.[i] ? { end: ends[i] } : {}),
        job: job.id,
        applied: applied.map(describe),
        cpu: job.profile.cpu,
        memoryMiB: job.profile.memoryMiB,
        verdict: result.outcome === 'passed' || result.outcome === 'flaky' ? 'pass' : result.outcome === 'failed' ? 'fail' : 'unresolved',
        outcome: result.outcome,
        ...(result.error?.kind ? { kind: result.error.kind } : {}),
        durationMs: result.durationMs,
        ...(result.error ? { error: `${result.error.type}: ${result.error.message.split('\n')[0]}` } : {}),
      };
      options.onTry?.(t);
      return t;
    });
    tries.push(...ended);
    return ended;
  };
  const done = (rest: Partial<BisectResult>): BisectResult => ({
    scenario: scenario.name,
    backend: 'qemu',
    good: good.name,
    bad: bad.name,
    differences: differences.map(describe),
    tries,
    jobs,
    wallMs: performance.now() - started,
    ...rest,
  });

  if (differences.length === 0) return done({ problem: `${good.name} and ${bad.name} do not differ in anything bisect can change (with the scenario's own memory and boot order)` });
  const [goodTry, badTry] = await runTries([[], differences], undefined, ['good', 'bad']);
  if (goodTry!.verdict !== 'pass') return done({ problem: `the scenario does not pass on ${good.name} (${goodTry!.outcome}${goodTry!.error ? `: ${goodTry!.error}` : ''})` });
  if (badTry!.verdict !== 'fail') return done({ problem: `the scenario does not fail on ${bad.name} with every difference applied (${badTry!.outcome})` });
  // A hang must not cost the scenario's whole timeout on every try.
  tryScenario = { ...tryScenario, timeoutMs: Math.min(tryScenario.timeoutMs, probeTimeoutAfter(goodTry!.durationMs)) };

  const found = await smallestFailingSet(differences, async (sets) => (await runTries(sets)).map((t) => t.verdict));
  const memory = found.set.find((d) => d.kind === 'field' && d.field === 'memoryMiB');
  let ramFloor: RamFloor | undefined;
  if (memory) {
    const others = found.set.filter((d) => d !== memory);
    ramFloor = await findRamFloor(
      async (mib) => {
        const [t] = await runTries([others], mib);
        return { memoryMiB: mib, outcome: t!.outcome as JobResult['outcome'], durationMs: t!.durationMs, ...(t!.error ? { error: t!.error } : {}) };
      },
      Math.min(good.memoryMiB, bad.memoryMiB),
      Math.max(good.memoryMiB, bad.memoryMiB),
    );
  }
  return done({ smallest: found.set.map(describe), failsAlone: found.singles.map(describe), ...(ramFloor ? { ramFloor } : {}) });
}
