/**
 * Gating the reference presets for real: built (cached by recipe hash), booted on every claimed
 * profile and backend, incompatible profiles shown as such; and a recipe broken on purpose
 * makes the gate fail in the right phase with the right evidence.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJobs, ROOT, runCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-gate-');

async function gate(args: string[], report: string) {
  const { code, stdout } = await runCli([...args, '--report-dir', report], { timeoutMs: 1_500_000 });
  return { code, stdout, jobs: readJobs(report) };
}

describe('bootgate gate', () => {
  it('mini-shell passes its gate on both emulators, and the i486 and P5 boards fail as declared incompatible, through the kernel\'s own words', async () => {
    const { code, stdout, jobs } = await gate(['gate', 'mini-shell'], join(work, 'mini-shell'));
    expect(stdout).toMatch(/preset mini-shell: gate passed/);
    expect(code).toBe(0);
    const byId = Object.fromEntries(jobs.map((j) => [j.id, j]));
    expect(byId['mini-shell-gate--qemu--p3-i440fx']!.outcome).toBe('passed');
    expect(byId['mini-shell-gate--v86--p3-i440fx']!.outcome).toBe('passed');
    expect(byId['shell-answers--qemu--p2-i440fx']!.outcome).toBe('passed');
    for (const profile of ['486-isa', 'p5-i440fx']) {
      const job = byId[`mini-shell-gate--qemu--${profile}`]!;
      expect(job.outcome).toBe('expected-failure');
      expect(job.error!.type).toBe('FailurePatternError');
    }
    expect(byId['mini-shell-gate--qemu--p5-i440fx']!.error!.message).toMatch(/cmov/);
    expect(stdout).toMatch(/486-isa +qemu .*incompatible, as declared/);
  });

  it('mini-setup installs onto a blank disk and boots from it alone, on both emulators, each phase within its budget', async () => {
    const { code, stdout, jobs } = await gate(['gate', 'mini-setup', '--profile', 'p3-i440fx'], join(work, 'mini-setup'));
    expect(stdout).toMatch(/preset mini-setup: gate passed/);
    expect(code).toBe(0);
    for (const backend of ['qemu', 'v86']) {
      const job = jobs.find((j) => j.id === `mini-setup-gate--${backend}--p3-i440fx`)!;
      expect(job.outcome).toBe('passed');
      expect(job.phases.map((p) => [p.name, p.outcome])).toEqual([['setup', 'passed'], ['boot', 'passed'], ['shell', 'passed']]);
    }
  }, 900_000);

  it('mini-desktop comes up with its taskbar on both emulators, matching one golden', async () => {
    // The first build on a fresh machine downloads Xorg, JWM and ~90 packages of their closure.
    const { code, stdout, jobs } = await gate(['gate', 'mini-desktop', '--profile', 'p3-i440fx'], join(work, 'mini-desktop'));
    expect(stdout).toMatch(/preset mini-desktop: gate passed/);
    expect(code).toBe(0);
    const byId = Object.fromEntries(jobs.map((j) => [j.id, j]));
    for (const backend of ['qemu', 'v86']) {
      expect(byId[`mini-desktop-gate--${backend}--p3-i440fx`]!.outcome).toBe('passed');
      expect(byId[`mini-desktop-screen--${backend}--p3-i440fx`]!.outcome).toBe('passed');
    }
  }, 1_500_000);

  it('a recipe broken on purpose (init gives up before any shell) fails the gate in its shell phase with the kernel panic as evidence', async () => {
    const presets = join(work, 'broken', 'presets');
    cpSync(join(ROOT, 'presets/mini-shell'), join(presets, 'mini-shell'), { recursive: true });
    writeFileSync(join(presets, 'mini-shell/init'), '#!/bin/sh\necho "bootgate: this init has no shell"\nexit 1\n');
    const { code, stdout, jobs } = await gate(['gate', join(presets, 'mini-shell'), '--backend', 'qemu', '--profile', 'p3-i440fx'], join(work, 'broken-report'));
    expect(code).toBe(1);
    expect(stdout).toMatch(/preset mini-shell: GATE BROKEN/);
    const job = jobs.find((j) => j.id === 'mini-shell-gate--qemu--p3-i440fx')!;
    expect(job.outcome).toBe('failed');
    expect(job.error!.type).toBe('FailurePatternError');
    expect(job.error!.message).toMatch(/Kernel panic/);
    expect(job.phases.find((p) => p.outcome === 'failed')!.name).toBe('shell');
  });
});
