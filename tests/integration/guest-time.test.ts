/**
 * Guest-time budgets on real boots. The demonstration the budgets exist for: the same scenario,
 * run ten times while two busy processes load both cores, gets identical verdicts and identical
 * guest times, though its wall times spread. Then instruction budgets on both emulators.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPreset } from '../../harness/preset/build-preset.js';
import { readJobs, ROOT, runCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-guest-time-');

async function bootgate(args: string[], report: string) {
  const { code } = await runCli([...args, '--report-dir', report], { timeoutMs: 900_000 });
  return { code, jobs: readJobs(report) };
}

describe('guest time', () => {
  // A direct kernel boot: no CD reads, whose completion would follow the host's disk.
  let kernel: string;
  let initrd: string;
  beforeAll(async () => {
    const { imagePath } = await buildPreset(join(ROOT, 'presets/mini-shell'));
    const tree = join(work, 'iso');
    execFileSync('xorriso', ['-osirrox', 'on', '-indev', imagePath, '-extract', '/boot', tree], { stdio: 'ignore' });
    kernel = join(tree, 'linux');
    initrd = join(tree, 'initrd.gz');
  }, 600_000);

  it('ten boots under a two-core load get identical verdicts and identical guest instruction counts', async () => {
    const dir = join(work, 'ten');
    mkdirSync(dir);
    for (let i = 1; i <= 10; i++) {
      writeFileSync(
        join(dir, `run-${String(i).padStart(2, '0')}.yaml`),
        [
          `image: {kernel: ${kernel}, initrd: ${initrd}, append: "console=ttyS0,115200n8 console=tty0"}`,
          'profile: p3-i440fx',
          'memory: 48',
          'timeout: 5m',
          'phases:',
          '  - name: kernel',
          '    budget: {guest: 40s}',
          '    steps: [{waitSerial: "Run /init as init process", timeout: 4m}]',
          '  - name: userland',
          '    budget: {guest: 2s}',
          '    steps: [{waitSerial: "bootgate-mini-shell: shell ready", timeout: 4m}]',
          '',
        ].join('\n'),
      );
    }
    const loaders: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const { jobs } = await bootgate(['run', dir, '--jobs', '2'], join(work, 'ten-report')).finally(() => {
      for (const l of loaders) l.kill('SIGKILL');
    });
    expect(jobs).toHaveLength(10);
    expect(new Set(jobs.map((j) => j.outcome))).toEqual(new Set(['passed']));
    const figures = (name: string) => jobs.map((j) => j.phases.find((p) => p.name === name)!);
    for (const name of ['kernel', 'userland']) {
      const phases = figures(name);
      expect(phases.every((p) => p.guest?.exact)).toBe(true);
      expect(new Set(phases.map((p) => p.guest!.instructions)).size).toBe(1);
    }
  }, 900_000);

  it('an instruction budget fails the job on both emulators, with the count it ran', async () => {
    const scenario = join(work, 'grub-instructions.yaml');
    writeFileSync(
      scenario,
      'image: {cdrom: /usr/lib/grub-rescue/grub-rescue-cdrom.iso}\nbackends: [qemu, v86]\nphases:\n  - name: boot\n    budget: {instructions: 1000000}\n    steps: [{waitText: "GNU GRUB"}]\n',
    );
    const { code, jobs } = await bootgate(['run', scenario], join(work, 'grub-report'));
    expect(code).toBe(1);
    expect(jobs.map((j) => j.outcome)).toEqual(['failed', 'failed']);
    for (const job of jobs) {
      expect(job.error!.type).toBe('BudgetExceededError');
      expect(job.error!.message).toMatch(/^phase boot ran [\d,]+ guest instructions, over its budget of 1,000,000$/);
      // GRUB's menu is drawn tens of millions of instructions in; a screen match is timed at the poll.
      expect(job.phases[0]!.guest!.instructions).toBeGreaterThan(10_000_000);
      expect(job.phases[0]!.guest!.exact).toBe(false);
    }
  }, 300_000);
});
