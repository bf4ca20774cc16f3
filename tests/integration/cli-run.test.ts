/**
 * The CLI end to end, as a user runs it: real images, real QEMU and v86, the compiled bootgate.
 * (npm test builds dist/ first through scripts/setup.sh.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { poll } from '../support/poll.js';
import { alive, qemuPidsUnder } from '../support/qemu-processes.js';
import { readJobs, readResults, ROOT, runCli, startCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-cli-');

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('bootgate run, end to end', () => {
  it('passes the GRUB and memtest86+ scenarios on QEMU and v86, contains the v86 memtest86+ crash as declared, and leaves the goldens as they were', async () => {
    const report = join(work, 'grub');
    const goldenHashes = readdirSync(join(ROOT, 'golden-screens/grub-rescue-cd')).map((f) => sha(join(ROOT, 'golden-screens/grub-rescue-cd', f)));
    const run = await runCli(['run', join(ROOT, 'scenarios/grub-rescue'), join(ROOT, 'scenarios/memtest86plus'), '--report-dir', report]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const outcomes = Object.fromEntries(readJobs(report).map((j) => [j.id, j.outcome]));
    expect(outcomes).toEqual({
      'grub-rescue-cd--qemu--p3-i440fx': 'passed',
      'grub-rescue-cd--v86--p3-i440fx': 'passed',
      'grub-rescue-floppy--qemu--p3-i440fx': 'passed',
      'grub-rescue-floppy--v86--p3-i440fx': 'passed',
      'grub-rescue-floppy-486--qemu--486-isa': 'passed',
      'grub-rescue-floppy-486--v86--486-isa': 'skipped',
      'memtest86plus--qemu--p3-i440fx': 'passed',
      'memtest86plus--v86--p3-i440fx': 'expected-failure',
    });
    expect(run.stdout).toMatch(/same outcome on qemu and v86: passed/);
    const junit = readFileSync(join(report, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="grub-rescue-cd" tests="2" failures="0"/);
    expect(junit).toMatch(/<property name="across emulators on p3-i440fx" value="same outcome on qemu and v86: passed"\/>/);
    expect(readResults(report).summary.crossBackend).toContainEqual({
      scenario: 'memtest86plus',
      profile: 'p3-i440fx',
      verdict: 'qemu passed; v86 expected-failure at boot step 1 (wait for screen text Memtest86+)',
    });
    expect(existsSync(join(report, 'index.html'))).toBe(true);
    // Goldens are read, never written, in CI.
    expect(readdirSync(join(ROOT, 'golden-screens/grub-rescue-cd')).map((f) => sha(join(ROOT, 'golden-screens/grub-rescue-cd', f)))).toEqual(goldenHashes);
  });

  it('fails a wrong golden with actual, expected and diff images on both emulators, and leaves the golden alone', async () => {
    const dir = join(work, 'wrong-golden');
    mkdirSync(join(dir, 'golden-screens/grub-menu'), { recursive: true });
    // memtest86+'s screen is certainly not GRUB's menu.
    const wrong = join(dir, 'golden-screens/grub-menu/menu.png');
    copyFileSync(join(ROOT, 'golden-screens/memtest86plus/running.qemu.png'), wrong);
    const before = sha(wrong);
    writeFileSync(
      join(dir, 'grub-menu.yaml'),
      'image: {cdrom: /usr/lib/grub-rescue/grub-rescue-cdrom.iso}\nbackends: [qemu, v86]\nsteps:\n  - waitText: "GNU GRUB"\n  - waitScreen: menu\n    timeout: 4s\n',
    );
    const report = join(dir, 'report');
    const run = await runCli(['run', join(dir, 'grub-menu.yaml'), '--report-dir', report]);
    expect(run.code).toBe(1);
    for (const job of readJobs(report)) {
      expect(job.outcome).toBe('failed');
      expect(job.error!.type).toBe('ScreenMismatchError');
      for (const kind of ['actual', 'expected', 'diff']) expect(existsSync(join(report, job.error!.artifacts![kind]!))).toBe(true);
    }
    expect(sha(wrong)).toBe(before);
    expect(readdirSync(join(dir, 'golden-screens/grub-menu'))).toEqual(['menu.png']);
  });

  it('fails an image of random bytes through a failure pattern, not by waiting out its timeout', async () => {
    const image = join(work, 'random.iso');
    writeFileSync(image, randomBytes(2 * 1024 * 1024));
    const before = sha(image);
    const scenario = join(work, 'random.yaml');
    writeFileSync(scenario, `image: {cdrom: ${image}}\nsteps:\n  - waitText: "never shown"\n    timeout: 120s\n`);
    const report = join(work, 'random-report');
    const run = await runCli(['run', scenario, '--report-dir', report]);
    expect(run.code).toBe(1);
    const [job] = readJobs(report);
    expect(job!.error!.type).toBe('FailurePatternError');
    expect(job!.error!.message).toMatch(/No bootable device/);
    expect(sha(image)).toBe(before);
  });

  it('stops every machine on Ctrl-C mid-boot, still writes the report, exits 130 and leaves no QEMU behind', async () => {
    const report = join(work, 'interrupted');
    const cli = startCli(['run', join(ROOT, 'scenarios/debian-installer/installer-serial.yaml'), '--backend', 'qemu', '--report-dir', report]);
    const ours = await poll(
      'QEMU started by bootgate',
      () => {
        const pids = qemuPidsUnder(cli.child.pid!);
        return pids.length > 0 ? pids : undefined;
      },
      { timeoutMs: 10_000 },
    );
    await sleep(1500); // mid-boot
    cli.child.kill('SIGINT');
    const { code } = await cli.exited;
    expect(code).toBe(130);
    expect(ours.filter(alive)).toEqual([]);
    const [job] = readJobs(report);
    expect(job!.outcome).toBe('interrupted');
    expect(job!.error!.message).toMatch(/interrupted by SIGINT/);
  });

  it('exits 2 on bad input with one line naming the file and field', async () => {
    const scenario = join(work, 'broken.yaml');
    writeFileSync(scenario, 'image: {cdrom: /usr/lib/grub-rescue/grub-rescue-cdrom.iso}\nprofile: p3-i440fx\nsteps:\n  - waitText: x\n    timout: 3s\n');
    const run = await runCli(['run', scenario, '--report-dir', join(work, 'broken-report')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`bootgate: ${scenario}:4:5: steps.0: unknown field "timout" (did you mean "timeout"?)`);
  });

  it('keeps what it caches under BOOTGATE_CACHE, and nothing under the default cache folder', async () => {
    // HOME points at an empty folder, so whatever lands in ~/.cache is this run's doing.
    const home = join(work, 'home');
    const cache = join(work, 'cache');
    mkdirSync(home);
    const run = await runCli(['run', join(ROOT, 'scenarios/grub-rescue/grub-rescue-cd.yaml'), '--backend', 'qemu', '--report-dir', join(work, 'cache-report')], {
      env: { HOME: home, XDG_CACHE_HOME: undefined, BOOTGATE_CACHE: cache },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(home)).toEqual([]);
    // The remembered -sandbox probe shows the run did use a cache, and used this one.
    expect(readdirSync(cache)).toContain('qemu-sandbox.json');
  });
});
