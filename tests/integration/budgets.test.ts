/**
 * Budgets on real boots: an image over its size budget fails before anything boots, and the RAM
 * floor of the mini-shell preset is found by bisection with real QEMU boots.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'bootgate-budgets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bootgate(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(join(ROOT, 'bin/bootgate'), args, { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

describe('budgets', () => {
  it('an image over its size budget fails the job without booting it', async () => {
    const scenario = join(work, 'oversized.yaml');
    writeFileSync(scenario, 'image:\n  cdrom: {path: /usr/lib/grub-rescue/grub-rescue-cdrom.iso, maxSize: 1440KiB}\nsteps:\n  - waitText: "GNU GRUB"\n');
    const report = join(work, 'oversized-report');
    const { code } = await bootgate(['run', scenario, '--report-dir', report]);
    expect(code).toBe(1);
    const [job] = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')).jobs;
    expect(job.outcome).toBe('failed');
    expect(job.error.type).toBe('SizeBudgetError');
    expect(job.error.message).toMatch(/over its size budget of 1474560 bytes/);
    expect(job.command).toBeUndefined(); // no emulator was ever created
    expect(job.phases.every((p: { outcome: string }) => p.outcome === 'not-run')).toBe(true);
  });

  it('finds the RAM floor of mini-shell in QEMU and keeps the failure just below it', async () => {
    const report = join(work, 'floor');
    const { code, stdout } = await bootgate([
      'ram-floor', join(ROOT, 'presets/mini-shell/scenarios/shell-answers.yaml'), '--backend', 'qemu', '--profile', 'p3-i440fx', '--low', '16', '--report-dir', report,
    ]);
    expect(code).toBe(0);
    const [job] = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')).jobs;
    const floor = job.ramFloor;
    // Measured here: 34 MiB for Debian's 686 kernel with a 7 MiB initramfs (docs/architecture.md, "Reference presets").
    expect(floor.floorMiB).toBeGreaterThan(16);
    expect(floor.floorMiB).toBeLessThanOrEqual(48);
    const below = floor.probes.find((p: { memoryMiB: number }) => p.memoryMiB === floor.floorMiB - 1);
    expect(below.outcome).toBe('failed');
    const at = floor.probes.find((p: { memoryMiB: number }) => p.memoryMiB === floor.floorMiB);
    expect(at.outcome).toBe('passed');
    expect(stdout).toMatch(new RegExp(`RAM floor of shell-answers--qemu--p3-i440fx: ${floor.floorMiB} MiB`));
  });
});
