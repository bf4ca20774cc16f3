/** `bootgate run [paths...]`: load, plan, preflight, run, report; returns the exit code. */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { createMachine } from '../machine/create-machine.js';
import { BACKENDS, type BackendName, type MachineFactory } from '../machine/machine.js';
import { ConsoleReporter } from '../report/console-reporter.js';
import { writeHtml } from '../report/html-reporter.js';
import { writeJunit } from '../report/junit-reporter.js';
import { writeResults } from '../report/json-reporter.js';
import { prepareReportDir, RESULTS_FILE } from '../report/report-dir.js';
import type { RunResult } from '../report/results.js';
import { exitCodeFor, OUTCOMES, type Outcome } from '../run/outcome.js';
import { runJobs } from '../run/run-jobs.js';
import { findScenarioFiles } from '../scenario/find-scenarios.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { planJobs, preflight } from '../scenario/plan-jobs.js';
import { UPDATE_MODES, type UpdateMode } from '../screen/golden-store.js';
import { TOOL_VERSION } from '../util/tool-version.js';

export interface RunCommandOptions {
  readonly backend?: readonly string[];
  readonly profile?: readonly string[];
  readonly grep?: string;
  readonly reportDir: string;
  readonly junit?: string;
  readonly updateGoldens?: string | boolean;
  readonly jobs?: string;
  readonly timeoutScale: string;
  readonly retries: string;
}

export interface RunEnvironment {
  readonly createMachine?: MachineFactory;
  readonly signal?: AbortSignal;
  readonly write?: (line: string) => void;
  readonly ci?: boolean;
}

export async function runCommand(paths: readonly string[], options: RunCommandOptions, env: RunEnvironment = {}): Promise<number> {
  const write = env.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const ci = env.ci ?? isCi();
  const updateMode = resolveUpdateMode(options.updateGoldens, ci, write);
  const concurrency = positiveInt(options.jobs ?? String(availableParallelism()), '--jobs');
  const retries = nonNegativeInt(options.retries, '--retries');
  const timeoutScale = Number(options.timeoutScale);
  if (!(timeoutScale > 0)) throw new ConfigError(`--timeout-scale must be a positive number, got "${options.timeoutScale}"`, { field: '--timeout-scale' });

  const scenarios = findScenarioFiles(paths.length ? paths : ['scenarios']).map(loadScenario);
  for (const s of scenarios) await preflight(s);
  const jobs = planJobs(scenarios, {
    ...(options.backend ? { backends: parseBackends(options.backend) } : {}),
    ...(options.profile ? { profiles: options.profile.flatMap((p) => p.split(',')) } : {}),
    ...(options.grep ? { grep: parseGrep(options.grep) } : {}),
  });
  if (jobs.length === 0) throw new ConfigError('no jobs to run: the filters match nothing', { field: '--grep' });

  const reportDir = resolve(options.reportDir);
  prepareReportDir(reportDir);
  const reporter = new ConsoleReporter(jobs.length, write);
  write(`bootgate ${TOOL_VERSION}: ${jobs.length} job(s) from ${scenarios.length} scenario(s), ${concurrency} at once, goldens: ${updateMode}`);
  const startedAt = new Date();
  const started = performance.now();
  const results = await runJobs(jobs, {
    concurrency,
    retries,
    reportDir,
    updateMode,
    timeoutScale,
    createMachine: env.createMachine ?? createMachine,
    ...(env.signal ? { signal: env.signal } : {}),
    onJobStart: (job, attempt) => reporter.jobStarted(job, attempt),
    onJobEnd: (result) => reporter.jobEnded(result),
  });
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, results.filter((r) => r.outcome === o).length])) as Record<Outcome, number>;
  const run: RunResult = {
    version: 1,
    tool: { name: 'bootgate', version: TOOL_VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    options: { updateGoldens: updateMode, timeoutScale, jobs: concurrency, retries },
    jobs: results,
    summary: { total: results.length, counts, exitCode: exitCodeFor(results.map((r) => r.outcome)) },
  };
  writeResults(run, join(reportDir, RESULTS_FILE));
  writeJunit(run, options.junit ? resolve(options.junit) : join(reportDir, 'junit.xml'));
  writeHtml(run, reportDir);
  reporter.summary(run, reportDir);
  return run.summary.exitCode;
}

function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Default `missing` locally; in CI goldens are never written, whatever was asked. */
function resolveUpdateMode(flag: string | boolean | undefined, ci: boolean, write: (line: string) => void): UpdateMode {
  const asked = flag === undefined ? 'missing' : flag === true ? 'changed' : flag;
  if (!UPDATE_MODES.includes(asked as UpdateMode)) {
    throw new ConfigError(`--update-goldens must be one of ${UPDATE_MODES.join(', ')}, got "${String(asked)}"`, { field: '--update-goldens' });
  }
  if (ci && asked !== 'none') {
    if (flag !== undefined) write(`note: CI is set, so goldens are not written (--update-goldens=${String(asked)} ignored)`);
    return 'none';
  }
  return asked as UpdateMode;
}

function parseBackends(values: readonly string[]): BackendName[] {
  return values.flatMap((v) => v.split(',')).map((b) => {
    if (!BACKENDS.includes(b as BackendName)) throw new ConfigError(`unknown backend "${b}" (known: ${BACKENDS.join(', ')})`, { field: '--backend' });
    return b as BackendName;
  });
}

function parseGrep(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new ConfigError(`not a regular expression: ${(e as Error).message}`, { field: '--grep' });
  }
}

function positiveInt(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${field} must be a whole number ≥ 1, got "${value}"`, { field });
  return n;
}

function nonNegativeInt(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${field} must be a whole number ≥ 0, got "${value}"`, { field });
  return n;
}
