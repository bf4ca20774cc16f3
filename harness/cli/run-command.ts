/** `bootgate run [paths...]`: load, plan, preflight, run, report; returns the exit code. */
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { createMachine } from '../machine/create-machine.js';
import type { MachineFactory } from '../machine/machine.js';
import { ConsoleReporter } from '../report/console-reporter.js';
import { readResults } from '../report/json-reporter.js';
import { prepareReportDir } from '../report/report-dir.js';
import { LiveReport } from './live-report.js';
import type { RunResult } from '../model/results.js';
import { EXIT } from '../model/outcome.js';
import { compareWithBaseline, parseTolerance } from './compare-command.js';
import { runJobs } from '../run/run-jobs.js';
import { VerdictCache } from '../run/verdict-cache.js';
import { defaultConcurrency } from '../run/default-concurrency.js';
import { hostAvailableBytes, MemoryAdmission } from '../run/memory-admission.js';
import { parseSize } from '../config/size.js';
import { FILMSTRIP_MODES, type FilmstripMode } from '../run/run-attempt.js';
import { loadTargets } from './load-targets.js';
import { parseShard, planShards } from '../run/shard-jobs.js';
import { printPresetTable } from '../report/preset-table.js';
import { onGithubActions, reportToGithub, type SummaryGroup } from '../report/github-actions.js';
import { formatSize } from '../config/size.js';
import { planJobs, preflight } from '../run/plan-jobs.js';
import type { Scenario } from '../scenario/scenario.js';
import { isCi, resolveUpdateMode } from './update-mode.js';
import { TOOL_VERSION } from '../util/tool-version.js';
import { parseBackends, parseGrep, positiveNumber } from './parse-options.js';
import { wholeNumber } from '../config/whole-number.js';

export interface RunCommandOptions {
  readonly backend?: readonly string[];
  readonly profile?: readonly string[];
  readonly grep?: string;
  readonly reportDir: string;
  readonly junit?: string;
  readonly updateGoldens?: string | boolean;
  readonly jobs?: string;
  readonly maxMemory?: string;
  readonly timeoutScale: string;
  readonly retries: string;
  readonly baseline?: string;
  readonly filmstrip: string;
  readonly tolerance: string;
  readonly guestClock?: boolean;
  readonly saveStateOnFailure?: boolean;
  readonly fromState?: string;
  readonly shard?: string;
  readonly durations?: string;
  readonly reuseVerdicts?: boolean;
}

export interface RunEnvironment {
  readonly createMachine?: MachineFactory;
  readonly signal?: AbortSignal;
  readonly write?: (line: string) => void;
  readonly ci?: boolean;
}

export async function runCommand(paths: readonly string[], options: RunCommandOptions, env: RunEnvironment = {}): Promise<number> {
  return (await runTargets(paths, options, env)).exitCode;
}

/** `run` with its result: what the typed API (harness/api/) returns. */
export async function runTargets(paths: readonly string[], options: RunCommandOptions, env: RunEnvironment = {}): Promise<{ run: RunResult; exitCode: number }> {
  const write = env.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { scenarios, presets } = loadTargets(paths.length ? paths : ['scenarios']);
  const { run, exitCode } = await runScenarios(scenarios, options, env);
  let broken = 0;
  const groups: SummaryGroup[] = [];
  for (const preset of presets) {
    write('');
    const jobs = run.jobs.filter((j) => j.scenario.file.startsWith(`${preset.dir}/`));
    const held = printPresetTable(preset, jobs, write);
    if (!held) broken++;
    const image = jobs.flatMap((j) => j.images ?? []).find((i) => i.role === 'cdrom');
    const { budgets } = preset.preset;
    groups.push({ title: `preset ${preset.preset.name}: ${held ? 'gate passed' : 'GATE BROKEN'}`, note: `image ${image ? formatSize(image.sizeBytes) : '?'} of ${budgets.imageMiB} MiB budget; RAM budget ${budgets.ramMiB} MiB`, jobs });
  }
  if (presets.length) write(broken ? `${broken} of ${presets.length} preset(s) broke their gate` : `all ${presets.length} preset(s) passed their gate`);
  if (onGithubActions()) {
    const rest = run.jobs.filter((j) => !groups.some((g) => g.jobs.includes(j)));
    reportToGithub(run, [...groups, ...(rest.length ? [{ title: presets.length ? 'other scenarios' : 'jobs', jobs: rest }] : [])], write);
  }
  return { run, exitCode: broken && exitCode === EXIT.passed ? EXIT.failed : exitCode };
}

/**
 * Runs loaded scenarios and reports them: shared by `run` and `gate`. Options are checked before
 * any preset is built or machine started, so a typo costs nothing.
 */
export async function runScenarios(
  loaded: readonly Scenario[],
  options: RunCommandOptions,
  env: RunEnvironment = {},
): Promise<{ run: RunResult; exitCode: number }> {
  const write = env.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const ci = env.ci ?? isCi();
  const updateMode = resolveUpdateMode(options.updateGoldens, ci, write, 'missing');
  const jobsFlag = options.jobs === undefined ? undefined : wholeNumber(options.jobs, '--jobs', 1);
  const retries = wholeNumber(options.retries, '--retries', 0);
  const timeoutScale = positiveNumber(options.timeoutScale, '--timeout-scale');
  const memory = memoryAdmission(options.maxMemory);
  // Read the baseline first: a typo in its path must not surface only after a long run.
  const baseline = options.baseline ? readResults(options.baseline) : undefined;
  const tolerance = parseTolerance(options.tolerance);
  const shard = options.shard ? parseShard(options.shard) : undefined;
  if (options.durations && !shard) throw new ConfigError('--durations balances --shard, and no --shard was given', { field: '--durations' });
  const durations = options.durations ? new Map(readResults(options.durations).jobs.map((j) => [j.id, j.durationMs])) : undefined;
  if (!FILMSTRIP_MODES.includes(options.filmstrip as FilmstripMode)) {
    throw new ConfigError(`--filmstrip must be one of ${FILMSTRIP_MODES.join(', ')}, got "${options.filmstrip}"`, { field: '--filmstrip' });
  }

  // Preset building pulls in the apt and image tooling: load it only when a scenario boots a preset.
  const scenarios = loaded.some((s) => s.imageFiles.some((f) => f.preset))
    ? await (await import('../preset/resolve-preset-images.js')).resolvePresetImages(loaded, {
        onProgress: (p) => (p.step === 'done' || p.step === 'cached' || p.step === 'note' ? write(`preset ${p.preset}: ${p.step === 'cached' ? 'cached ' : ''}${p.message}`) : undefined),
      })
    : [...loaded];
  for (const s of scenarios) await preflight(s);
  const planned = planJobs(scenarios, {
    ...(options.backend ? { backends: parseBackends(options.backend) } : {}),
    ...(options.profile ? { profiles: options.profile.flatMap((p) => p.split(',')) } : {}),
    ...(options.grep ? { grep: parseGrep(options.grep) } : {}),
  });
  if (planned.length === 0) throw new ConfigError('no jobs to run: the filters match nothing', { field: '--grep' });
  const plan = shard ? planShards(planned.map((j) => j.id), shard.total, durations) : undefined;
  const jobs = plan && shard ? planned.filter((_, i) => plan[i]!.shard === shard.index) : planned;
  if (options.fromState && jobs.length > 1) {
    throw new ConfigError(`a saved state restores one machine, and these filters leave ${jobs.length} jobs (${jobs.map((j) => j.id).join(', ')}): choose one with --backend, --profile or --grep`, { field: '--from-state' });
  }

  const { jobs: concurrency, why } = jobsFlag === undefined ? defaultConcurrency(jobs, memory?.limitBytes) : { jobs: jobsFlag, why: '--jobs' };
  const reportDir = resolve(options.reportDir);
  const killed = prepareReportDir(reportDir);
  if (killed) write(`note: ${killed}`);
  const reporter = new ConsoleReporter(jobs.length, write);
  const verdicts = options.reuseVerdicts ? new VerdictCache() : undefined;
  const ofShard = shard ? ` (shard ${shard.index}/${shard.total} of ${planned.length})` : '';
  const reuse = options.reuseVerdicts ? `, reusing verdicts from ${verdicts!.root}` : '';
  write(`bootgate ${TOOL_VERSION}: ${jobs.length} job(s)${ofShard} from ${scenarios.length} scenario(s), ${concurrency} at once (${why}), goldens: ${updateMode}${reuse}`);
  const report = new LiveReport(
    jobs,
    { reportDir, junit: options.junit ? resolve(options.junit) : join(reportDir, 'junit.xml') },
    { updateGoldens: updateMode, timeoutScale, jobs: concurrency, retries },
    plan && shard ? { ...shard, planned: plan } : undefined,
    options.updateGoldens === undefined,
  );
  const results = await runJobs(jobs, {
    concurrency,
    retries,
    reportDir,
    updateMode,
    timeoutScale,
    filmstrip: options.filmstrip as FilmstripMode,
    ...(options.guestClock ? { guestClock: true } : {}),
    ...(memory ? { memory } : {}),
    ...(options.saveStateOnFailure ? { saveStateOnFailure: true } : {}),
    ...(options.fromState ? { fromState: resolve(options.fromState) } : {}),
    ...(verdicts ? { verdicts } : {}),
    createMachine: env.createMachine ?? createMachine,
    ...(env.signal ? { signal: env.signal } : {}),
    onJobStart: (job, attempt) => reporter.jobStarted(job, attempt),
    onJobEnd: (result) => {
      reporter.jobEnded(result);
      report.jobEnded(result);
    },
  });
  const run = report.finish(results);
  reporter.summary(run, reportDir);
  if (baseline) {
    write('');
    write(`compared with ${options.baseline}:`);
    const comparison = compareWithBaseline(run, baseline, tolerance, write);
    if (comparison.failed && run.summary.exitCode === EXIT.passed) return { run, exitCode: EXIT.failed };
  }
  return { run, exitCode: run.summary.exitCode };
}

/** The flag's limit, or what the host has available now; none where the host does not say (not Linux). */
function memoryAdmission(flag: string | undefined): MemoryAdmission | undefined {
  if (flag === undefined) {
    const available = hostAvailableBytes();
    return available === undefined ? undefined : new MemoryAdmission(available, 'host');
  }
  try {
    return new MemoryAdmission(parseSize(flag), 'flag');
  } catch (e) {
    throw new ConfigError((e as Error).message, { field: '--max-memory' });
  }
}
