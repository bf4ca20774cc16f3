/** Assembles the results document from finished jobs: counts, exit code and cross-emulator verdicts derived in one place. */
import { EXIT, exitCodeFor, OUTCOMES, type Outcome } from '../model/outcome.js';
import { TOOL_VERSION } from '../util/tool-version.js';
import { groupByScenario } from './cross-backend.js';
import type { GoldenRecord, JobResult, RunResult } from '../model/results.js';

/**
 * `reviewGoldens`: goldens were written without an update mode asked for, so a run that wrote any
 * and otherwise passed exits with EXIT.review (as Playwright fails on a snapshot it just wrote).
 */
export function buildRunResult(jobs: readonly JobResult[], startedAt: Date, durationMs: number, options: RunResult['options'], reviewGoldens = false): RunResult {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, jobs.filter((j) => j.outcome === o).length])) as Record<Outcome, number>;
  const goldensWritten = writtenGoldens(jobs).length;
  const exitCode = exitCodeFor(jobs.map((j) => j.outcome));
  return {
    version: 1,
    tool: { name: 'bootgate', version: TOOL_VERSION },
    startedAt: startedAt.toISOString(),
    durationMs,
    options,
    jobs,
    summary: {
      total: jobs.length,
      counts,
      goldensWritten,
      exitCode: exitCode === EXIT.passed && reviewGoldens && goldensWritten > 0 ? EXIT.review : exitCode,
      crossBackend: groupByScenario(jobs).flatMap((row) => (row.verdict ? [{ scenario: row.scenario, profile: row.profile, verdict: row.verdict }] : [])),
    },
  };
}

/** The goldens the jobs created or updated, with the job that wrote each. */
export function writtenGoldens(jobs: readonly JobResult[]): { readonly job: string; readonly golden: GoldenRecord }[] {
  return jobs.flatMap((job) =>
    job.phases.flatMap((p) => p.steps.flatMap((s) => (s.goldens ?? []).filter((g) => g.status === 'created' || g.status === 'updated').map((golden) => ({ job: job.id, golden })))),
  );
}
