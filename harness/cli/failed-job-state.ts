/**
 * Where a failed job of a report left its machine: the state `--save-state-on-failure` (run or
 * repro) saved into the report folder, with the job's scenario, backend and profile, so
 * `bootgate record --from-report DIR --job ID` goes on from the step that failed.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { RESULTS_FILE } from '../report/report-dir.js';
import { readResults } from '../report/json-reporter.js';

export interface FailedJobState {
  readonly scenarioFile: string;
  readonly backend: string;
  readonly profile: string;
  /** The saved state's folder. */
  readonly state: string;
}

export function failedJobState(reportDir: string, jobId: string | undefined): FailedJobState {
  const file = join(resolve(reportDir), RESULTS_FILE);
  if (!existsSync(file)) throw new ConfigError(`${reportDir} is not a bootgate report folder (no ${RESULTS_FILE})`, { field: '--from-report' });
  const run = readResults(file);
  const ids = run.jobs.map((j) => j.id);
  if (!jobId) throw new ConfigError(`--from-report needs --job: one of ${ids.join(', ') || '(no jobs)'}`, { field: '--job' });
  const job = run.jobs.find((j) => j.id === jobId);
  if (!job) throw new ConfigError(`${reportDir} has no job ${jobId} (it has ${ids.join(', ') || 'none'})`, { field: '--job' });
  const saved = [job.error?.artifacts?.state, ...job.attempts.map((a) => a.error?.artifacts?.state ?? a.artifacts?.state)].find((s) => s !== undefined);
  if (!saved) throw new ConfigError(`job ${jobId} has no saved state in ${reportDir}: run it with --save-state-on-failure`, { field: '--from-report' });
  return { scenarioFile: job.scenario.file, backend: job.backend, profile: job.profile, state: join(resolve(reportDir), saved) };
}
