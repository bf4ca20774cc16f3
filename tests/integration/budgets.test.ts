/**
 * Budgets on real boots: an image over its size budget fails before anything boots, and the RAM
 * floor of the mini-shell preset is found by bisection with real QEMU boots.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJobs, ROOT, runCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-budgets-');

describe('budgets', () => {
  it('an image over its size budget fails the job without booting it', async () => {
    const scenario = join(work, 'oversized.yaml');
    writeFileSync(scenario, 'image:\n  cdrom: {path: /usr/lib/grub-rescue/grub-rescue-cdrom.iso, maxSize: 1440KiB}\nsteps:\n  - waitText: "GNU GRUB"\n');
    const report = join(work, 'oversized-report');
    const { code } = await runCli(['run', scenario, '--report-dir', report]);
    expect(code).toBe(1);
    const [job] = readJobs(report);
    expect(job!.outcome).toBe('failed');
    expect(job!.error!.type).toBe('SizeBudgetError');
    expect(job!.error!.message).toMatch(/over its size budget of 1474560 bytes/);
    expect(job!.command).toBeUndefined(); // no emulator was ever created
    expect(job!.phases.every((p) => p.outcome === 'not-run')).toBe(true);
  });

  it('finds the RAM floor of mini-shell in QEMU and keeps the failure just below it', async () => {
    const report = join(work, 'floor');
    const { code, stdout } = await runCli([
      'ram-floor', join(ROOT, 'presets/mini-shell/scenarios/shell-answers.yaml'), '--backend', 'qemu', '--profile', 'p3-i440fx', '--low', '16', '--report-dir', report,
    ]);
    expect(code).toBe(0);
    const { floorMiB, probes } = readJobs(report)[0]!.ramFloor!;
    // Measured here: 34 MiB for Debian's 686 kernel with a 7 MiB initramfs.
    expect(floorMiB).toBeGreaterThan(16);
    expect(floorMiB).toBeLessThanOrEqual(48);
    expect(probes.find((p) => p.memoryMiB === floorMiB! - 1)!.outcome).toBe('failed');
    expect(probes.find((p) => p.memoryMiB === floorMiB)!.outcome).toBe('passed');
    expect(stdout).toMatch(new RegExp(`RAM floor of shell-answers--qemu--p3-i440fx: ${floorMiB} MiB`));
  });
});
