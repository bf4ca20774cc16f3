import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import { mergeShardResults } from '../../harness/report/merge-reports.js';
import type { JobResult, RunResult } from '../../harness/model/results.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { parseShard, planShards } from '../../harness/run/shard-jobs.js';

const ids = Array.from({ length: 7 }, (_, i) => `s${i}--qemu--p3-i440fx`);

describe('sharding planned jobs', () => {
  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, total: 3 });
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(ConfigError);
  });

  it('puts every job in exactly one shard, the same way whatever order the jobs come in', () => {
    const plan = planShards(ids, 3);
    expect(plan.map((p) => p.id)).toEqual(ids);
    expect(new Set(plan.map((p) => p.shard))).toEqual(new Set([1, 2, 3]));
    const shuffled = planShards([...ids].reverse(), 3);
    for (const { id, shard } of plan) expect(shuffled.find((p) => p.id === id)!.shard).toBe(shard);
  });

  it('balances by earlier durations: one long job gets a shard of its own', () => {
    const durations = new Map(ids.map((id, i) => [id, i === 4 ? 60_000 : 2_000]));
    const plan = planShards(ids, 2, durations);
    const long = plan.find((p) => p.id === ids[4])!.shard;
    expect(plan.filter((p) => p.shard === long).map((p) => p.id)).toEqual([ids[4]]);
    // Without durations the same jobs split 4 and 3.
    const even = planShards(ids, 2);
    expect([1, 2].map((k) => even.filter((p) => p.shard === k).length).sort()).toEqual([3, 4]);
  });

  it('a shard may get no jobs when there are fewer jobs than shards', () => {
    const plan = planShards(ids.slice(0, 2), 3);
    expect(plan.filter((p) => p.shard === 3)).toEqual([]);
  });
});

function job(id: string, outcome: JobResult['outcome']): JobResult {
  const [scenario, backend, profile] = id.split('--');
  return {
    id,
    scenario: { name: scenario!, file: `/s/${scenario}.yaml`, description: '' },
    backend: backend as JobResult['backend'],
    profile: profile!,
    memoryMiB: 64,
    outcome,
    attempts: [{ outcome, durationMs: 10 }],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 10,
    phases: [],
    host: {},
    artifacts: {},
  };
}

const OPTIONS: RunResult['options'] = { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 };

function shardRuns(outcomes: Record<string, JobResult['outcome']>, total: number): { dir: string; run: RunResult }[] {
  const planned = planShards(Object.keys(outcomes), total);
  return Array.from({ length: total }, (_, k) => {
    const jobs = planned.filter((p) => p.shard === k + 1).map((p) => job(p.id, outcomes[p.id]!));
    const run = buildRunResult(jobs, new Date(Date.UTC(2026, 0, 1, 0, 0, k)), 1000, OPTIONS);
    return { dir: `shard${k + 1}`, run: { ...run, shard: { index: k + 1, total, planned } } };
  });
}

describe('merging shard reports', () => {
  const outcomes = Object.fromEntries(ids.map((id, i) => [id, i === 2 ? 'failed' : i === 5 ? 'flaky' : 'passed'] as const));

  it('gives the jobs, verdicts and exit code of the unsharded run, in planned order', () => {
    const merged = mergeShardResults(shardRuns(outcomes, 3).reverse());
    const unsharded = buildRunResult(ids.map((id) => job(id, outcomes[id]!)), new Date(), 1, OPTIONS);
    expect(merged.jobs.map((j) => [j.id, j.outcome])).toEqual(unsharded.jobs.map((j) => [j.id, j.outcome]));
    expect(merged.summary.counts).toEqual(unsharded.summary.counts);
    expect(merged.summary.exitCode).toBe(1);
    // Wall time of the sharded run: from the first start to the last end.
    expect(merged.durationMs).toBe(3000);
  });

  it('a shard that never reported makes its jobs infra errors, not a gap', () => {
    const passing = Object.fromEntries(ids.map((id) => [id, 'passed'] as const));
    const [one, two, three] = shardRuns(passing, 3);
    const merged = mergeShardResults([one!, { dir: 'shard2' }, three!]);
    const lost = merged.jobs.filter((j) => j.outcome === 'infra-error');
    expect(lost.map((j) => j.id)).toEqual(two!.run.jobs.map((j) => j.id));
    expect(lost[0]!.error!.message).toMatch(/shard 2\/3 never reported/);
    expect(merged.jobs).toHaveLength(ids.length);
    expect(merged.summary.exitCode).toBe(3);
    // Not even named: the plan still knows shard 2.
    expect(mergeShardResults([one!, three!]).summary.counts['infra-error']).toBe(lost.length);
  });

  it('refuses shards of different plans, the same shard twice, and folders that are not shards', () => {
    const runs = shardRuns(outcomes, 3);
    const other = shardRuns(outcomes, 2);
    expect(() => mergeShardResults([runs[0]!, other[1]!])).toThrow(/planned differently/);
    expect(() => mergeShardResults([runs[0]!, { ...runs[0]!, dir: 'copy' }])).toThrow(/both shard 1\/3/);
    const { shard: _s, ...plain } = runs[0]!.run;
    expect(() => mergeShardResults([{ dir: 'plain', run: plain }])).toThrow(/not a shard/);
    expect(() => mergeShardResults([{ dir: 'a' }, { dir: 'b' }])).toThrow(/no shard reported/);
  });
});
