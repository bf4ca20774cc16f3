/** Assembles the results document from finished jobs: counts, exit code and cross-emulator verdicts derived in one place. */
import { exitCodeFor, OUTCOMES, type Outcome } from '../model/outcome.js';
import { TOOL_VERSION } from '../util/tool-version.js';
import { groupByScenario } from './cross-backend.js';
import type { JobResult, RunResult } from '../model/results.js';

export function buildRunResult(jobs: readonly JobResult[], startedAt: Date, durationMs: number, options: RunResult['options']): RunResult {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, jobs.filter((j) => j.outcome === o).length])) as Record<Outcome, number>;
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
      exitCode: exitCodeFor(jobs.map((j) => j.outcome)),
      crossBackend: groupByScenario(jobs).flatMap((row) => (row.verdict ? [{ scenario: row.scenario, profile: row.profile, verdict: row.verdict }] : [])),
    },
  };
}
