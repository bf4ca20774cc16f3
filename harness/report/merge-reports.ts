/**
 * Merges the results of a sharded run into the results the unsharded run would have written:
 * its jobs in the planned order, counts and exit code derived afresh. Every planned job of a
 * shard that never reported becomes an infra error, so a lost machine is never a silent gap.
 */
import { ConfigError } from '../errors.js';
import type { JobResult, RunResult } from '../model/results.js';
import { buildRunResult } from './run-result.js';

export interface ShardReport {
  /** The shard's report folder, named in messages. */
  readonly dir: string;
  /** Undefined when the folder has no readable results.json. */
  readonly run?: RunResult;
}

export function mergeShardResults(reports: readonly ShardReport[]): RunResult {
  const runs = reports.flatMap((r) => (r.run ? [{ dir: r.dir, run: r.run }] : []));
  if (runs.length === 0) throw new ConfigError(`none of ${reports.map((r) => r.dir).join(', ')} holds a results.json: no shard reported`, { field: 'dirs' });
  const first = runs[0]!;
  for (const { dir, run } of runs) {
    if (!run.shard) throw new ConfigError(`${dir} is not a shard's report (it was not run with --shard)`, { file: dir });
    if (JSON.stringify(run.shard.planned) !== JSON.stringify(first.run.shard!.planned)) {
      throw new ConfigError(`${dir} was planned differently from ${first.dir} (other scenarios, filters, shard count or --durations)`, { file: dir });
    }
  }
  const { total, planned } = first.run.shard!;
  const byShard = new Map<number, string>();
  for (const { dir, run } of runs) {
    const other = byShard.get(run.shard!.index);
    if (other) throw new ConfigError(`${dir} and ${other} are both shard ${run.shard!.index}/${total}`, { file: dir });
    byShard.set(run.shard!.index, dir);
  }

  const reported = new Map(runs.flatMap(({ run }) => run.jobs.map((j) => [j.id, j] as const)));
  const jobs = planned.map(({ id, shard }) => reported.get(id) ?? neverReported(id, shard, total, byShard.has(shard)));
  const starts = runs.map(({ run }) => Date.parse(run.startedAt));
  const start = Math.min(...starts);
  // The sharded run took as long as its slowest machine.
  const end = Math.max(...runs.map(({ run }, i) => starts[i]! + run.durationMs));
  return buildRunResult(jobs, new Date(start), end - start, first.run.options);
}

/** A planned job with no result: its shard never reported, or reported without it. */
function neverReported(id: string, shard: number, total: number, shardReported: boolean): JobResult {
  // Ids are <scenario>--<backend>--<profile>; scenario names may hold "--" themselves.
  const parts = id.split('--');
  const profile = parts.length >= 3 ? parts.pop()! : '';
  const backend = parts.length >= 2 ? parts.pop()! : '';
  const message = shardReported ? `shard ${shard}/${total} reported without this job` : `shard ${shard}/${total} never reported (no results.json among the merged folders)`;
  return {
    id,
    scenario: { name: parts.join('--'), file: '', description: '' },
    backend: backend as JobResult['backend'],
    profile,
    memoryMiB: 0,
    outcome: 'infra-error',
    error: { class: 'infra', type: 'ShardMissingError', kind: 'infra', message },
    attempts: [],
    startedAt: new Date(0).toISOString(),
    durationMs: 0,
    phases: [],
    host: {},
    artifacts: {},
  };
}
