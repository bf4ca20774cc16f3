/**
 * The CI examples in docs/ci/ are copied as they are, so each is checked: it parses, the shard
 * arguments it gives its N parallel jobs are 1/N..N/N exactly once, the merge step reads every
 * shard's report folder, and every flag it passes exists. The shell lines run for real (with
 * `npx` standing in for bootgate and printing its arguments), so the arithmetic is the shell's.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { main } from '../../harness/cli/main.js';

const DOCS = join(import.meta.dirname, '../../docs/ci');
afterEach(() => vi.restoreAllMocks());

/** The bootgate argv each `npx bootgate ...` line of `script` would run, under `env`. */
function bootgateCalls(script: string, env: Record<string, string> = {}): string[][] {
  // Only the bootgate lines (and the shell lines that set up their arguments) run: never apt-get or npm ci.
  const lines = script.split('\n').filter((l) => !/^\s*(apt-get|npm) /.test(l));
  const stub = `npx() { [ "$1" = bootgate ] && shift; printf '%s\\0' "$@"; printf '\\n'; }`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `${stub}\n${lines.join('\n')}`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((line) => line.split('\0').slice(0, -1));
}

const flagOf = (args: readonly string[], flag: string) => args[args.indexOf(flag) + 1];

async function helpOf(command: string): Promise<string> {
  let text = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((text += String(chunk)), true));
  await main([command, '--help']);
  vi.restoreAllMocks();
  return text;
}

/** Checks what the shards and the merge run: every shard once, every report merged, known flags only. */
async function checkShards(runs: readonly string[][], merge: readonly string[], total: number): Promise<void> {
  expect(runs).toHaveLength(total);
  for (const args of runs) expect(args[0]).toBe('run');
  expect(runs.map((a) => flagOf(a, '--shard')).sort()).toEqual(Array.from({ length: total }, (_, i) => `${i + 1}/${total}`).sort());
  const reports = runs.map((a) => flagOf(a, '--report-dir'));
  expect(new Set(reports).size).toBe(total);
  expect(merge[0]).toBe('merge-reports');
  expect([...merge.slice(1, merge.indexOf('--report-dir'))].sort()).toEqual([...reports].sort());
  const [runHelp, mergeHelp] = [await helpOf('run'), await helpOf('merge-reports')];
  for (const [args, help] of [...runs.map((a) => [a, runHelp] as const), [merge, mergeHelp] as const]) {
    for (const flag of args.filter((a) => a.startsWith('--'))) expect(help, `${args[0]} ${flag}`).toContain(`${flag} `);
  }
}

describe('docs/ci examples', () => {
  it('GitHub Actions: the matrix runs every shard once, the gate job merges them all', async () => {
    const workflow = parse(readFileSync(join(DOCS, 'github-actions.yml'), 'utf8'));
    const shards: number[] = workflow.jobs.shard.strategy.matrix.shard;
    const runStep = workflow.jobs.shard.steps.find((s: { name?: string }) => s.name?.startsWith('run shard')).run as string;
    const runs = shards.flatMap((shard) => bootgateCalls(runStep.replaceAll('${{ matrix.shard }}', String(shard))));
    const merge = bootgateCalls(workflow.jobs.gate.steps.find((s: { name?: string }) => s.name?.startsWith('merge')).run)[0]!;
    await checkShards(runs, merge, shards.length);
    expect(workflow.jobs.gate.needs).toBe('shard');
    expect(JSON.stringify(workflow.jobs.shard.steps)).toContain("hashFiles('presets/**')");
  });

  it('GitLab CI: parallel: N gives CI_NODE_INDEX 1..N, each a shard, merged by the gate job', async () => {
    const pipeline = parse(readFileSync(join(DOCS, 'gitlab-ci.yml'), 'utf8'));
    const total: number = pipeline.boot.parallel;
    const runs = Array.from({ length: total }, (_, i) => bootgateCalls(pipeline.boot.script.join('\n'), { CI_NODE_INDEX: String(i + 1), CI_NODE_TOTAL: String(total) })).flat();
    const merge = bootgateCalls(pipeline.gate.script.join('\n')).find((a) => a[0] === 'merge-reports')!;
    await checkShards(runs, merge, total);
  });

  it('Kubernetes: the Indexed Job turns completion index 0..N-1 into shard 1..N, the merge Job reads them all', async () => {
    const [shardJob, mergeJob] = parseAllDocuments(readFileSync(join(DOCS, 'kubernetes-indexed-job.yaml'), 'utf8')).map((d) => d.toJSON());
    expect(shardJob.spec.completionMode).toBe('Indexed');
    const total: number = shardJob.spec.completions;
    const container = shardJob.spec.template.spec.containers[0];
    expect(container.command).toEqual(['sh', '-c']);
    const runs = Array.from({ length: total }, (_, i) => bootgateCalls(container.args[0], { JOB_COMPLETION_INDEX: String(i) })).flat();
    const [npx, bootgate, ...merge] = mergeJob.spec.template.spec.containers[0].command as string[];
    expect([npx, bootgate]).toEqual(['npx', 'bootgate']);
    await checkShards(runs, merge, total);
  });
});
