/**
 * What moved between two results documents, job by job: outcome, phase times, RAM floor, image
 * size, emulator memory. A job that passed before and does not now fails the comparison (budgets
 * broken show up this way, as their jobs fail); a figure that grew past the tolerance warns.
 */
import type { JobResult, RunResult } from '../model/results.js';
import { holdsGate } from '../model/outcome.js';

export type Level = 'ok' | 'warn' | 'fail' | 'info';

export interface Change {
  readonly job: string;
  readonly figure: string;
  readonly before?: number | string;
  readonly after?: number | string;
  /** after / before − 1, for numeric figures. */
  readonly growth?: number;
  readonly level: Level;
  readonly unit?: string;
}

export interface Comparison {
  readonly changes: readonly Change[];
  readonly failed: boolean;
  readonly warnings: number;
}

export function compareResults(baseline: RunResult, current: RunResult, tolerance: number): Comparison {
  const before = new Map(baseline.jobs.map((j) => [j.id, j]));
  const changes: Change[] = [];
  for (const job of current.jobs) {
    const old = before.get(job.id);
    before.delete(job.id);
    if (!old) {
      changes.push({ job: job.id, figure: 'job', after: job.outcome, level: holdsGate(job.outcome) ? 'info' : 'fail' });
      continue;
    }
    const regressed = holdsGate(old.outcome) && !holdsGate(job.outcome);
    changes.push({ job: job.id, figure: 'outcome', before: old.outcome, after: job.outcome, level: regressed ? 'fail' : old.outcome === job.outcome ? 'ok' : 'info' });
    for (const phase of job.phases) {
      const oldPhase = old.phases.find((p) => p.name === phase.name);
      const ran = (p: { outcome: string }) => p.outcome !== 'not-run' && p.outcome !== 'restored';
      if (oldPhase && ran(oldPhase) && ran(phase)) {
        changes.push(numeric(job.id, `${phase.name} time (wall)`, oldPhase.durationMs, phase.durationMs, tolerance, 'ms'));
        // Guest time in instructions: the figure that moves only when the image does.
        if (oldPhase.guest && phase.guest) changes.push(numeric(job.id, `${phase.name} time (guest)`, oldPhase.guest.instructions, phase.guest.instructions, tolerance, 'instructions'));
      }
    }
    const floorBefore = old.ramFloor?.floorMiB;
    const floorAfter = job.ramFloor?.floorMiB;
    if (floorBefore !== undefined && floorAfter !== undefined) changes.push(numeric(job.id, 'RAM floor', floorBefore, floorAfter, tolerance, 'MiB'));
    const sizeBefore = imageBytes(old);
    const sizeAfter = imageBytes(job);
    if (sizeBefore && sizeAfter) changes.push(numeric(job.id, 'image size', sizeBefore, sizeAfter, tolerance, 'bytes'));
    if (old.host.peakRssBytes && job.host.peakRssBytes) changes.push(numeric(job.id, 'emulator peak RSS', old.host.peakRssBytes, job.host.peakRssBytes, tolerance, 'bytes'));
  }
  for (const gone of before.values()) changes.push({ job: gone.id, figure: 'job', before: gone.outcome, after: 'not run', level: 'info' });
  return { changes, failed: changes.some((c) => c.level === 'fail'), warnings: changes.filter((c) => c.level === 'warn').length };
}

function numeric(job: string, figure: string, before: number, after: number, tolerance: number, unit: string): Change {
  const growth = before > 0 ? after / before - 1 : 0;
  return { job, figure, before, after, growth, unit, level: growth > tolerance ? 'warn' : 'ok' };
}

function imageBytes(job: JobResult): number | undefined {
  return job.images?.reduce((total, i) => total + i.sizeBytes, 0);
}
