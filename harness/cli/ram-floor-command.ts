/**
 * `bootgate ram-floor <scenario>`: bisects the memory of one job (one backend, one profile) with
 * real boots and writes the floor into a results document that `compare` understands.
 */
import { buildRunResult } from '../report/run-result.js';
import { join, resolve } from 'node:path';
import { findRamFloor, probeTimeoutAfter, type RamProbe } from '../budget/ram-floor.js';
import { ConfigError } from '../errors.js';
import { createMachine } from '../machine/create-machine.js';
import type { MachineFactory } from '../machine/machine.js';
import { writeResults } from '../report/json-reporter.js';
import { prepareReportDir, RESULTS_FILE } from '../report/report-dir.js';
import type { RunResult } from '../model/results.js';
import type { Job } from '../model/job.js';
import { EXIT } from '../model/outcome.js';
import { runJobs } from '../run/run-jobs.js';
import { formatDuration } from '../config/duration.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { resolvePresetImages } from '../preset/resolve-preset-images.js';
import { planJobs, preflight } from '../run/plan-jobs.js';
import { parseBackends, positiveNumber } from './parse-options.js';

export interface RamFloorOptions {
  readonly backend?: readonly string[];
  readonly profile?: readonly string[];
  readonly low: string;
  readonly high?: string;
  /** Seconds; default: three times the passing boot at the upper bound, at least 15 s more than it. */
  readonly probeTimeout?: string;
  readonly reportDir: string;
  readonly timeoutScale: string;
}

export async function ramFloorCommand(
  scenarioPath: string,
  options: RamFloorOptions,
  env: { createMachine?: MachineFactory; signal?: AbortSignal; write?: (line: string) => void } = {},
): Promise<number> {
  const write = env.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const scenario = (await resolvePresetImages([loadScenario(scenarioPath)]))[0]!;
  await preflight(scenario);
  const jobs = planJobs([scenario], {
    ...(options.backend ? { backends: parseBackends(options.backend) } : {}),
    ...(options.profile ? { profiles: options.profile.flatMap((p) => p.split(',')) } : {}),
  });
  if (jobs.length !== 1) {
    throw new ConfigError(`the RAM floor is searched for one job at a time; this gives ${jobs.length} (${jobs.map((j) => j.id).join(', ')}): choose with --backend and --profile`, { field: '--backend' });
  }
  const job = jobs[0]!;
  const low = Number(options.low);
  const high = options.high ? Number(options.high) : job.profile.memoryMiB;
  if (!(Number.isInteger(low) && Number.isInteger(high) && low >= 1 && high >= low)) {
    throw new ConfigError(`--low and --high must be whole MiB with 1 ≤ low ≤ high, got ${options.low}..${options.high ?? high}`, { field: '--low' });
  }
  const reportDir = resolve(options.reportDir);
  prepareReportDir(reportDir);
  const timeoutScale = positiveNumber(options.timeoutScale, '--timeout-scale');
  let probeTimeoutMs = options.probeTimeout ? Number(options.probeTimeout) * 1000 : undefined;

  write(`bootgate ram-floor: ${job.id}, ${low}..${high} MiB`);
  const started = performance.now();
  const results: RunResult['jobs'][number][] = [];
  const runProbe = async (memoryMiB: number): Promise<RamProbe> => {
    const probeJob: Job = {
      id: `${job.id}--${memoryMiB}MiB`,
      scenario: { ...job.scenario, ...(probeTimeoutMs ? { timeoutMs: probeTimeoutMs } : {}) },
      backend: job.backend,
      profile: { ...job.profile, memoryMiB },
    };
    const [result] = await runJobs([probeJob], {
      concurrency: 1,
      retries: 0,
      reportDir,
      updateMode: 'none',
      timeoutScale,
      createMachine: env.createMachine ?? createMachine,
      ...(env.signal ? { signal: env.signal } : {}),
    });
    results.push(result!);
    if (probeTimeoutMs === undefined && result!.outcome === 'passed') probeTimeoutMs = probeTimeoutAfter(result!.durationMs);
    const probe: RamProbe = {
      memoryMiB,
      outcome: result!.outcome,
      durationMs: result!.durationMs,
      ...(result!.error ? { error: `${result!.error.type}: ${result!.error.message.split('\n')[0]}` } : {}),
    };
    write(`  ${String(memoryMiB).padStart(5)} MiB  ${probe.outcome.padEnd(12)} ${formatDuration(probe.durationMs).padStart(8)}  ${probe.error ?? ''}`);
    return probe;
  };
  const floor = await findRamFloor(runProbe, low, high);

  const atFloor = results.find((r) => r.profile === job.profile.name && r.memoryMiB === floor.floorMiB) ?? results[0]!;
  const summaryJob = { ...atFloor, id: job.id, ramFloor: floor };
  const tookMs = performance.now() - started;
  const run = buildRunResult([summaryJob], new Date(Date.now() - tookMs), tookMs, { updateGoldens: 'none', timeoutScale, jobs: 1, retries: 0 });
  writeResults(run, join(reportDir, RESULTS_FILE));
  if (floor.floorMiB === undefined) {
    write(`no floor: ${floor.problem}`);
    return floor.problem?.includes('infra-error') ? EXIT.infra : EXIT.failed;
  }
  write(`RAM floor of ${job.id}: ${floor.floorMiB} MiB (${floor.probes.length} boots, ${formatDuration(performance.now() - started)})`);
  if (floor.belowFloor) write(`at ${floor.belowFloor.memoryMiB} MiB: ${floor.belowFloor.error ?? floor.belowFloor.outcome}`);
  write(`written to ${join(options.reportDir, RESULTS_FILE)}`);
  return EXIT.passed;
}
