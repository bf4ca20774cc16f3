/**
 * Builds the mini-shell preset for real (Debian packages through apt; cached between runs on
 * the same machine in the normal image cache) and boots it in QEMU on a Pentium III with the
 * preset's RAM budget, talking to its shell over the serial port.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPreset, type BuildResult } from '../../harness/preset/build-preset.js';
import { loadPreset, PROJECT_PRESETS } from '../../harness/preset/load-preset.js';
import { markerPhases } from '../../harness/preset/preset-schema.js';
import { SerialQemu } from './preset-qemu.js';

const presetDir = join(PROJECT_PRESETS, 'mini-shell');
const { preset } = loadPreset(presetDir);
const marker = markerPhases(preset).find((p) => p.name === 'shell')!.marker;

let first: BuildResult;

beforeAll(async () => {
  first = await buildPreset(presetDir);
}, 900_000);

describe('building mini-shell', () => {
  it('makes an ISO within the image budget', () => {
    expect(first.imagePath).toMatch(/mini-shell\.iso$/);
    expect(statSync(first.imagePath).size).toBe(first.sizeBytes);
    expect(first.sizeBytes).toBeGreaterThan(1024 * 1024);
    expect(first.sizeBytes).toBeLessThanOrEqual(preset.budgets.imageMiB * 1024 * 1024);
    expect(readFileSync(first.imagePath).subarray(0x8001, 0x8006).toString('latin1')).toBe('CD001');
  });

  it('writes a manifest beside the image whose sha256 is the file’s', () => {
    const manifest = JSON.parse(readFileSync(join(dirname(first.imagePath), 'manifest.json'), 'utf8'));
    const actual = createHash('sha256').update(readFileSync(first.imagePath)).digest('hex');
    expect(manifest.image.sha256).toBe(actual);
    expect(first.sha256).toBe(actual);
    expect(manifest.hash).toBe(first.hash);
    expect(manifest.preset).toBe('mini-shell');
    expect(manifest.packages.map((p: { name: string }) => p.name)).toEqual(preset.recipe.packages.map((p) => p.name));
    for (const p of manifest.packages) expect(p.version).toMatch(/^\S+$/);
    expect(manifest.builtAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  // How fast a cache hit is belongs to a benchmark; here, that it is one and nothing is rebuilt.
  it('is a cache hit the second time, the same image', async () => {
    const again = await buildPreset(presetDir);
    expect(again.cached).toBe(true);
    expect(again.imagePath).toBe(first.imagePath);
    expect(again.sha256).toBe(first.sha256);
  }, 60_000);
});

describe('booting mini-shell in QEMU (pentium3, RAM budget)', () => {
  let qemu: SerialQemu | undefined;
  afterAll(() => qemu?.kill());

  it('reaches the shell marker on serial within 60 s, and the shell answers', async () => {
    qemu = new SerialQemu({ memoryMiB: preset.budgets.ramMiB, cdrom: first.imagePath, bootOrder: 'd' });
    await qemu.waitFor(marker, { ms: 60_000 });
    expect(qemu.serial).toContain('Run /init as init process');
    // The serial shell printed it, not the console one: input sent now reaches a running shell.
    await qemu.waitFor(/shell ready on \/dev\/ttyS0\r?\n/, { ms: 5_000 });

    let at = qemu.serial.length;
    qemu.send('uname -m\n');
    await qemu.waitFor(/\ni686\r?\n/, { from: at, ms: 10_000 });

    at = qemu.serial.length;
    qemu.send('cat /proc/mounts\n');
    await qemu.waitFor(/devtmpfs \/dev /, { from: at, ms: 10_000 });
    expect(qemu.serial.slice(at)).toMatch(/proc \/proc proc/);
    expect(qemu.serial.slice(at)).toMatch(/sysfs \/sys sysfs/);
  }, 90_000);
});
