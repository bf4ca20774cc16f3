/**
 * The CLI end to end, as a user runs it: real images, real QEMU and v86, the compiled bootgate.
 * (npm test builds dist/ first through scripts/setup.sh.)
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, qemuPidsUnder } from '../support/qemu-processes.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/bootgate');
const work = mkdtempSync(join(tmpdir(), 'bootgate-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function bootgate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(CLI, args, { env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

function results(reportDir: string): { jobs: { id: string; outcome: string; error?: { type: string; message: string; artifacts?: Record<string, string> } }[] } {
  return JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8'));
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('bootgate run, end to end', () => {
  it('the GRUB and memtest86+ scenarios pass on QEMU and v86; the v86 crash is contained as declared', async () => {
    const report = join(work, 'grub');
    const goldenHashes = readdirSync(join(ROOT, 'golden-screens/grub-rescue-cd')).map((f) => sha(join(ROOT, 'golden-screens/grub-rescue-cd', f)));
    const run = await bootgate(['run', join(ROOT, 'scenarios/grub-rescue'), join(ROOT, 'scenarios/memtest86plus'), '--report-dir', report]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const outcomes = Object.fromEntries(results(report).jobs.map((j) => [j.id, j.outcome]));
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
    expect(JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')).summary.crossBackend).toContainEqual({
      scenario: 'memtest86plus',
      profile: 'p3-i440fx',
      verdict: 'qemu passed; v86 expected-failure at boot step 1 (wait for screen text Memtest86+)',
    });
    expect(existsSync(join(report, 'index.html'))).toBe(true);
    // Goldens are read, never written, in CI.
    expect(readdirSync(join(ROOT, 'golden-screens/grub-rescue-cd')).map((f) => sha(join(ROOT, 'golden-screens/grub-rescue-cd', f)))).toEqual(goldenHashes);
  });

  it('a wrong golden fails with actual, expected and diff images on both emulators, and the golden is left alone', async () => {
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
    const run = await bootgate(['run', join(dir, 'grub-menu.yaml'), '--report-dir', report]);
    expect(run.code).toBe(1);
    for (const job of results(report).jobs) {
      expect(job.outcome).toBe('failed');
      expect(job.error!.type).toBe('ScreenMismatchError');
      for (const kind of ['actual', 'expected', 'diff']) expect(existsSync(join(report, job.error!.artifacts![kind]!))).toBe(true);
    }
    expect(sha(wrong)).toBe(before);
    expect(readdirSync(join(dir, 'golden-screens/grub-menu'))).toEqual(['menu.png']);
  });

  it('an image of random bytes fails fast through a failure pattern, not by timeout', async () => {
    const image = join(work, 'random.iso');
    writeFileSync(image, randomBytes(2 * 1024 * 1024));
    const before = sha(image);
    const scenario = join(work, 'random.yaml');
    writeFileSync(scenario, `image: {cdrom: ${image}}\nsteps:\n  - waitText: "never shown"\n    timeout: 120s\n`);
    const report = join(work, 'random-report');
    const run = await bootgate(['run', scenario, '--report-dir', report]);
    expect(run.code).toBe(1);
    const [job] = results(report).jobs;
    expect(job!.error!.type).toBe('FailurePatternError');
    expect(job!.error!.message).toMatch(/No bootable device/);
    expect(sha(image)).toBe(before);
  });

  it('Ctrl-C mid-boot stops every machine, still writes the report, exits 130 and leaves no QEMU behind', async () => {
    const report = join(work, 'interrupted');
    const child = spawn(CLI, ['run', join(ROOT, 'scenarios/debian-installer/installer-serial.yaml'), '--backend', 'qemu', '--report-dir', report], {
      env: { ...process.env, CI: '1' },
      stdio: 'ignore',
    });
    let ours: number[] = [];
    for (let i = 0; i < 100 && ours.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ours = qemuPidsUnder(child.pid!);
    }
    expect(ours.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1500)); // mid-boot
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(ours.filter(alive)).toEqual([]);
    const [job] = results(report).jobs;
    expect(job!.outcome).toBe('interrupted');
    expect(job!.error!.message).toMatch(/interrupted by SIGINT/);
  });

  it('bad input exits 2 with one line naming the file and field', async () => {
    const scenario = join(work, 'broken.yaml');
    writeFileSync(scenario, 'image: {cdrom: /usr/lib/grub-rescue/grub-rescue-cdrom.iso}\nprofile: p3-i440fx\nsteps:\n  - waitText: x\n    timout: 3s\n');
    const run = await bootgate(['run', scenario, '--report-dir', join(work, 'broken-report')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`bootgate: ${scenario}:4:5: steps.0: unknown field "timout" (did you mean "timeout"?)`);
  });

  it('keeps what it caches under BOOTGATE_CACHE, and nothing under the default cache folder', async () => {
    // HOME points at an empty folder, so whatever lands in ~/.cache is this run's doing.
    const home = join(work, 'home');
    const cache = join(work, 'cache');
    mkdirSync(home);
    const run = await bootgate(['run', join(ROOT, 'scenarios/grub-rescue/grub-rescue-cd.yaml'), '--backend', 'qemu', '--report-dir', join(work, 'cache-report')], {
      HOME: home,
      XDG_CACHE_HOME: undefined,
      BOOTGATE_CACHE: cache,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(home)).toEqual([]);
    // The remembered -sandbox probe shows the run did use a cache, and used this one.
    expect(readdirSync(cache)).toContain('qemu-sandbox.json');
  });
});
