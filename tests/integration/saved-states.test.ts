/**
 * Saved states and snapshot points on real emulators: a failure's state resumes to the same
 * screen on QEMU and on v86, a state refuses a job with another image, and a snapshot point is
 * saved once, restored after, and saved afresh when a step before it changes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareScreens } from '../../harness/screen/compare-screens.js';
import { readPng } from '../../harness/screen/png-file.js';
import { readJobs, runCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-states-');
const CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
/** GRUB's countdown line changes every second. */
const COUNTDOWN = [{ x: 0, y: 352, width: 720, height: 16 }];

async function bootgate(args: string[], report: string, env: NodeJS.ProcessEnv = {}) {
  const { code } = await runCli([...args, '--report-dir', report], { env });
  return { code, jobs: readJobs(report) };
}

function scenario(name: string, body: string): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

describe('saved states', () => {
  it('a failure saved with --save-state-on-failure resumes to the same screen, on QEMU and on v86', async () => {
    const failing = scenario('stuck', `image: {cdrom: ${CD}}\nbackends: [qemu, v86]\nstepTimeout: 4s\nsteps:\n  - waitText: "executed automatically"\n    timeout: 60s\n  - waitText: "login:"\n`);
    const first = await bootgate(['run', failing, '--save-state-on-failure'], join(work, 'stuck'));
    expect(first.code).toBe(1);
    // Resumed at the failed step, which now asks for what the screen shows, with a frame to compare.
    const resumed = scenario('resumed', `image: {cdrom: ${CD}}\nbackends: [qemu, v86]\nstepTimeout: 10s\nsteps:\n  - waitText: "executed automatically"\n  - screenshot: {name: resumed, masks: [{x: 0, y: 352, width: 720, height: 16}]}\n  - waitText: "GNU GRUB"\n`);
    for (const job of first.jobs) {
      expect(job.outcome).toBe('failed');
      expect(job.artifacts.state).toBe(`jobs/${job.id}/state`);
      const state = join(work, 'stuck', job.artifacts.state!);
      const again = await bootgate(['run', resumed, '--backend', job.backend, '--from-state', state], join(work, `resumed-${job.backend}`));
      expect(again.code).toBe(0);
      const [resumedJob] = again.jobs;
      expect(resumedJob!.restored).toEqual({ from: state, resumeAt: 1 });
      expect(resumedJob!.phases[0]!.steps.map((s) => s.outcome)).toEqual(['restored', 'passed', 'passed']);
      const before = await readPng(join(work, 'stuck', job.artifacts.lastFrame!));
      const after = await readPng(join(work, `resumed-${job.backend}`, resumedJob!.phases[0]!.steps[1]!.artifacts[0]!));
      const diff = compareScreens(before, after, { threshold: 0, masks: COUNTDOWN });
      expect([after.width, after.height]).toEqual([720, 400]);
      expect(diff.diffPixels).toBe(0);
    }
  }, 240_000);

  it('a state refuses a job with another image, naming both', async () => {
    const state = join(work, 'stuck/jobs/stuck--qemu--p3-i440fx/state');
    const floppy = scenario('floppy', 'image: {floppy: /usr/lib/grub-rescue/grub-rescue-floppy.img}\nsteps:\n  - waitText: "GNU GRUB"\n');
    const { code, jobs } = await bootgate(['run', floppy, '--from-state', state], join(work, 'refused'));
    expect(code).toBe(2);
    expect(jobs[0]!.outcome).toBe('config-error');
    expect(jobs[0]!.error!.message).toMatch(new RegExp(`--from-state: cdrom image: the state in ${state} was saved with ${CD} \\(sha256 [0-9a-f]{64}\\); this job has no cdrom image`));
  }, 60_000);
});

describe('snapshot points', () => {
  const cache = join(work, 'cache');
  const base = (wait: string) => scenario('grub-base', `image: {cdrom: ${CD}}\nbackends: [qemu, v86]\nsteps:\n  - waitText: "${wait}"\n  - waitText: "executed automatically"\n    snapshot: menu\n`);
  const child = scenario('grub-shell', `from: {scenario: grub-base.yaml, snapshot: menu}\nsteps:\n  - press: c\n  - waitText: {regex: "^grub> *$", flags: m}\n  - type: "ls\\n"\n  - waitText: {regex: "\\\\((cd|hd|fd)[0-9,)]"}\n`);
  const run = (report: string) => bootgate(['run', child], join(work, report), { BOOTGATE_CACHE: cache });

  it('are saved by the first job, restored by the next, and saved afresh when a step before them changes', async () => {
    base('GNU GRUB');
    const cold = await run('snap-cold');
    expect(cold.code).toBe(0);
    expect(cold.jobs.map((j) => [j.backend, j.outcome, j.restored])).toEqual([['qemu', 'passed', undefined], ['v86', 'passed', undefined]]);

    const warm = await run('snap-warm');
    expect(warm.code).toBe(0);
    for (const job of warm.jobs) {
      expect(job.outcome).toBe('passed');
      expect(job.restored).toMatchObject({ snapshot: 'menu', resumeAt: 2 });
      expect(job.phases[0]!.steps.slice(0, 2).map((s) => s.outcome)).toEqual(['restored', 'restored']);
    }

    base('GNU GRUB  version'); // a step before the point changed: the old snapshots no longer fit
    const changed = await run('snap-changed');
    expect(changed.code).toBe(0);
    expect(changed.jobs.map((j) => j.restored)).toEqual([undefined, undefined]);
  }, 300_000);
});
