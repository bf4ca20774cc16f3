/**
 * A sharded run as CI runs one: three `bootgate run --shard i/3` processes at once on real
 * QEMU and v86 boots, merged by `bootgate merge-reports`, give the jobs, verdicts and exit code
 * of one unsharded run; a shard whose report is lost turns into infra errors in the merge.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/bootgate');
const work = mkdtempSync(join(tmpdir(), 'bootgate-shard-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bootgate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(CLI, args, { env: { ...process.env, CI: '1', GITHUB_ACTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const verdicts = (dir: string): [string, string][] =>
  (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { jobs: { id: string; outcome: string }[] }).jobs.map((j) => [j.id, j.outcome]);

describe('sharded runs merged', () => {
  it('three shards merged equal one unsharded run; a lost shard is an infra error', { timeout: 600_000 }, async () => {
    // Passing and failing jobs on QEMU (v86 boots are too slow to run each twice here): the GRUB scenarios, and a GRUB menu against a wrong golden.
    mkdirSync(join(work, 'golden-screens/grub-menu'), { recursive: true });
    copyFileSync(join(ROOT, 'golden-screens/memtest86plus/running.qemu.png'), join(work, 'golden-screens/grub-menu/menu.png'));
    const wrong = join(work, 'grub-menu.yaml');
    writeFileSync(wrong, 'image: {cdrom: /usr/lib/grub-rescue/grub-rescue-cdrom.iso}\nbackends: [qemu]\nsteps:\n  - waitText: "GNU GRUB"\n  - waitScreen: menu\n    timeout: 4s\n');
    const targets = [join(ROOT, 'scenarios/grub-rescue'), wrong, '--backend', 'qemu'];

    let started = performance.now();
    const whole = await bootgate(['run', ...targets, '--jobs', '2', '--report-dir', join(work, 'whole')]);
    const wholeMs = performance.now() - started;
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(1);

    started = performance.now();
    const shards = await Promise.all([1, 2, 3].map((i) => bootgate(['run', ...targets, '--jobs', '1', '--shard', `${i}/3`, '--durations', join(work, 'whole/results.json'), '--report-dir', join(work, `shard${i}`)])));
    const shardedMs = performance.now() - started;
    for (const shard of shards) expect(shard.stderr).toBe('');
    const sharded = [1, 2, 3].map((i) => verdicts(join(work, `shard${i}`)));
    // Each job ran in exactly one shard.
    expect(sharded.flat().map(([id]) => id).sort()).toEqual(verdicts(join(work, 'whole')).map(([id]) => id).sort());

    const merge = await bootgate(['merge-reports', ...[1, 2, 3].map((i) => join(work, `shard${i}`)), '--report-dir', join(work, 'merged')]);
    expect(merge.stderr).toBe('');
    expect(merge.code).toBe(whole.code);
    expect(verdicts(join(work, 'merged'))).toEqual(verdicts(join(work, 'whole')));
    expect(readFileSync(join(work, 'merged/junit.xml'), 'utf8')).toMatch(/<testsuite name="grub-menu" tests="1" failures="1"/);
    // The merged report links artifacts copied from the shards.
    const html = readFileSync(join(work, 'merged/index.html'), 'utf8');
    expect(html).toContain('grub-menu--qemu--p3-i440fx');
    process.stdout.write(`unsharded (--jobs 2): ${(wholeMs / 1000).toFixed(1)} s; 3 shards at once (--jobs 1 each): ${(shardedMs / 1000).toFixed(1)} s\n`);

    // Shard 2's report is lost: its jobs are infra errors, never missing.
    const lost = new Set(sharded[1]!.map(([id]) => id));
    expect(lost.size).toBeGreaterThan(0);
    const partial = await bootgate(['merge-reports', join(work, 'shard1'), join(work, 'shard3'), '--report-dir', join(work, 'partial')]);
    const partialVerdicts = verdicts(join(work, 'partial'));
    expect(partialVerdicts.map(([id]) => id)).toEqual(verdicts(join(work, 'whole')).map(([id]) => id));
    for (const [id, outcome] of partialVerdicts) if (lost.has(id)) expect(outcome).toBe('infra-error');
    expect(partial.code).toBe([...sharded[0]!, ...sharded[2]!].some(([, o]) => o === 'failed') ? 1 : 3);
  });
});
