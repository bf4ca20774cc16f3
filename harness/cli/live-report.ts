/**
 * The report on disk while a run goes on. It is written before the first job starts and again as
 * each job ends, every file atomically, marked incomplete with the jobs still running or queued as
 * interrupted: a run killed at any moment (SIGKILL, the OOM killer, a CI timeout) leaves a report
 * that keeps its finished verdicts and that the next run recognises. A process.exit() before the
 * end (a second Ctrl-C) writes it once more, final, with the unfinished jobs interrupted.
 */
import { join } from 'node:path';
import type { Job } from '../model/job.js';
import type { JobResult, RunResult } from '../model/results.js';
import { writeHtml } from '../report/html-reporter.js';
import { writeJunit } from '../report/junit-reporter.js';
import { writeResults } from '../report/json-reporter.js';
import { RESULTS_FILE } from '../report/report-dir.js';
import { buildRunResult } from '../report/run-result.js';
import { interruptedJobResult } from '../run/run-jobs.js';

export class LiveReport {
  private readonly finished = new Map<string, JobResult>();
  private readonly startedAt = new Date();
  private readonly started = performance.now();
  private readonly onExit = () => this.write(this.build('the run was stopped before this job had a verdict'));

  constructor(
    private readonly jobs: readonly Job[],
    private readonly files: { readonly reportDir: string; readonly junit: string },
    private readonly options: RunResult['options'],
    private readonly shard?: RunResult['shard'],
    /** Goldens written in the default mode must be looked at first; an update mode asked for is that look. */
    private readonly reviewGoldens = false,
  ) {
    this.write({ ...this.build('the run was killed before this job had a verdict'), incomplete: true });
    process.on('exit', this.onExit);
  }

  jobEnded(result: JobResult): void {
    this.finished.set(result.id, result);
    this.write({ ...this.build('the run was killed before this job had a verdict'), incomplete: true });
  }

  /** The final report, written; jobs without a result (interrupted before they started) say so. */
  finish(results: readonly JobResult[]): RunResult {
    process.off('exit', this.onExit);
    for (const result of results) this.finished.set(result.id, result);
    const run = this.build('the run was stopped before this job had a verdict');
    this.write(run);
    return run;
  }

  private build(why: string): RunResult {
    const startedAt = this.startedAt.toISOString();
    const jobs = this.jobs.map((job) => this.finished.get(job.id) ?? interruptedJobResult(job, startedAt, why));
    const run = buildRunResult(jobs, this.startedAt, performance.now() - this.started, this.options, this.reviewGoldens);
    return this.shard ? { ...run, shard: this.shard } : run;
  }

  private write(run: RunResult): void {
    writeResults(run, join(this.files.reportDir, RESULTS_FILE));
    writeJunit(run, this.files.junit);
    writeHtml(run, this.files.reportDir);
  }
}
