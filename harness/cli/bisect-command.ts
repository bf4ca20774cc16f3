/**
 * `bootgate bisect <scenario> --good P --bad P`: which differences between two machine profiles
 * make the scenario fail (harness/bisect/). Prints a row per try and the answer, and writes
 * bisect.json and a results.json / index.html of every try into the report folder.
 */
import { join, resolve } from 'node:path';
import { bisectSummary, BISECT_FILE, tryLine, writeBisectJson } from '../bisect/bisect-report.js';
import { runBisect } from '../bisect/run-bisect.js';
import { ConfigError } from '../errors.js';
import { createMachine } from '../machine/create-machine.js';
import type { MachineFactory } from '../machine/machine.js';
import { EXIT } from '../model/outcome.js';
import { writeHtml } from '../report/html-reporter.js';
import { writeResults } from '../report/json-reporter.js';
import { prepareReportDir, RESULTS_FILE } from '../report/report-dir.js';
import { buildRunResult } from '../report/run-result.js';
import { resolvePresetImages } from '../preset/resolve-preset-images.js';
import { planJobs, preflight } from '../run/plan-jobs.js';
import { loadTargets } from './load-targets.js';
import { positiveNumber } from './parse-options.js';

export interface BisectCommandOptions {
  readonly good: string;
  readonly bad: string;
  readonly reportDir: string;
  readonly jobs: string;
  readonly timeoutScale: string;
}

export async function bisectCommand(
  target: string,
  options: BisectCommandOptions,
  env: { createMachine?: MachineFactory; signal?: AbortSignal; write?: (line: string) => void } = {},
): Promise<number> {
  const write = env.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { scenarios, presets } = loadTargets([target]);
  // A preset folder stands for its gate; a scenario file for itself.
  const chosen = presets.length ? scenarios.find((s) => s.name === `${presets[0]!.preset.name}-gate`) : scenarios.length === 1 ? scenarios[0] : undefined;
  if (!chosen) throw new ConfigError(`bisect takes one scenario file or preset folder; ${target} holds ${scenarios.length} scenarios`, { field: 'scenario' });
  const scenario = (await resolvePresetImages([chosen]))[0]!;
  await preflight(scenario);
  // The profiles as the scenario's jobs get them (its memory and boot order override theirs).
  const [good, bad] = [options.good, options.bad].map((ref, i) => planJobs([scenario], { profiles: [ref], backends: ['qemu'] })[0]?.profile ?? missing(ref, i));
  const reportDir = resolve(options.reportDir);
  prepareReportDir(reportDir);
  const concurrency = positiveNumber(options.jobs, '--jobs');
  const timeoutScale = positiveNumber(options.timeoutScale, '--timeout-scale');

  write(`bootgate bisect: ${scenario.name} on qemu, good ${good!.name}, bad ${bad!.name}`);
  write('try  verdict       time  differences applied to the good profile');
  const startedAt = new Date();
  const result = await runBisect(scenario, good!, bad!, {
    reportDir,
    timeoutScale,
    concurrency,
    createMachine: env.createMachine ?? createMachine,
    ...(env.signal ? { signal: env.signal } : {}),
    onTry: (t) => write(tryLine(t)),
  });
  for (const line of bisectSummary(result)) write(line);
  writeBisectJson(result, join(reportDir, BISECT_FILE));
  const run = buildRunResult(result.jobs, startedAt, result.wallMs, { updateGoldens: 'none', timeoutScale, jobs: concurrency, retries: 0 });
  writeResults(run, join(reportDir, RESULTS_FILE));
  writeHtml(run, reportDir);
  write(`written to ${join(options.reportDir, BISECT_FILE)} (each try's report: ${join(options.reportDir, 'index.html')})`);
  if (env.signal?.aborted) return EXIT.interrupted;
  if (!result.problem) return EXIT.passed;
  return result.tries.some((t) => t.outcome === 'infra-error') ? EXIT.infra : EXIT.failed;
}

function missing(ref: string, i: number): never {
  throw new ConfigError(`no profile ${ref}`, { field: i === 0 ? '--good' : '--bad' });
}
