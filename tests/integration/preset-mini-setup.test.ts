/**
 * Builds the mini-setup installer preset (cached like mini-shell) and runs it the way its gate
 * will: a fresh blank IDE disk, disk first in the boot order, so the blank disk falls through to
 * the CD, setup installs and reboots, and the same machine comes up from the disk. Then the disk
 * alone, without the CD, must boot to the shell too.
 */
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildPreset, type BuildResult } from '../../harness/preset/build-preset.js';
import { loadPreset, PROJECT_PRESETS } from '../../harness/preset/load-preset.js';
import { markerPhases } from '../../harness/preset/preset-schema.js';
import { tempDirForAll } from '../support/temp-dir.js';
import { SerialQemu } from './preset-qemu.js';

const presetDir = join(PROJECT_PRESETS, 'mini-setup');
const { preset } = loadPreset(presetDir);
const phase = (name: string) => markerPhases(preset).find((p) => p.name === name)!;
const scratch = tempDirForAll('bootgate-mini-setup-');
const disk = join(scratch, 'disk.img');

let image: BuildResult;
let qemu: SerialQemu | undefined;

beforeAll(async () => {
  image = await buildPreset(presetDir);
  // A blank disk of the size the preset asks for, fresh for this run (sparse, all zeros).
  writeFileSync(disk, '');
  truncateSync(disk, preset.media!.disk!.sizeMiB * 1024 * 1024);
}, 900_000);

afterEach(() => qemu?.kill());

describe('mini-setup', () => {
  it('is an ISO within its image budget', () => {
    expect(image.sizeBytes).toBeLessThanOrEqual(preset.budgets.imageMiB * 1024 * 1024);
    expect(readFileSync(image.imagePath).subarray(0x8001, 0x8006).toString('latin1')).toBe('CD001');
    expect(image.manifest.packages.find((p) => p.via?.startsWith('linux-image-686='))?.name).toMatch(/^linux-image-\d.*-686$/);
  });

  // Each wait is bounded by its phase's budget; gate.test.ts gates the budgets themselves, through bootgate.
  it('installs onto a blank disk, reboots, and comes up from the disk', async () => {
    qemu = new SerialQemu({ memoryMiB: preset.budgets.ramMiB, cdrom: image.imagePath, disk, bootOrder: 'cd' });
    let at = 0;
    for (const p of markerPhases(preset)) {
      for (const checkpoint of p.checkpoints) at = await qemu.waitFor(checkpoint, { from: at, ms: p.withinSeconds * 1000, failure: p.failure });
      at = await qemu.waitFor(p.marker, { from: at, ms: p.withinSeconds * 1000, failure: p.failure });
    }

    // After the reboot it was the disk's boot loader and root file system, not the CD again.
    const afterReboot = qemu.serial.slice(qemu.serial.indexOf(phase('setup').marker));
    expect(afterReboot).toContain('SYSLINUX');
    expect(afterReboot).not.toContain('ISOLINUX');
    await qemu.waitFor(/shell ready on \/dev\/ttyS0, root \/dev\/sda1\r?\n/, { from: 0, ms: 5_000 });

    at = qemu.serial.length;
    qemu.send('uname -m; ls /boot\n');
    await qemu.waitFor(/\ni686\r?\n/, { from: at, ms: 10_000 });
    await qemu.waitFor(/initrd\.gz/, { from: at, ms: 10_000 });
  }, 300_000);

  it('without a disk, fails setup with its failure line naming the step, before partitioning', async () => {
    qemu = new SerialQemu({ memoryMiB: preset.budgets.ramMiB, cdrom: image.imagePath, bootOrder: 'd' });
    const setup = phase('setup');
    await qemu.waitFor(`${setup.failure} no hard disk at /dev/sda`, { ms: setup.withinSeconds * 1000 });
    expect(qemu.serial).toContain(setup.checkpoints[0]!);
    expect(qemu.serial).not.toContain(setup.checkpoints[1]!);
  }, 180_000);

  it('boots the installed disk to the shell without the CD', async () => {
    qemu = new SerialQemu({ memoryMiB: preset.budgets.ramMiB, disk, bootOrder: 'c' });
    await qemu.waitFor(phase('boot').marker, { ms: phase('boot').withinSeconds * 1000, failure: phase('boot').failure });
    await qemu.waitFor(/shell ready on \/dev\/ttyS0, root \/dev\/sda1\r?\n/, { ms: phase('shell').withinSeconds * 1000 });
  }, 120_000);
});
