/**
 * Real boots in v86 (npm package) with Debian's SeaBIOS and images from Debian packages.
 * Each test takes 2–20 s on this 2-core host; the timeouts leave room for a host busy with
 * other emulators (seen here: 3× slower at load 7).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { V86, type V86Options } from 'v86';
import { afterEach, describe, expect, it } from 'vitest';
import { MachineCrashedError } from '../../harness/errors.js';
import type { Media } from '../../harness/machine/media.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { createV86Machine, type V86Machine } from '../../harness/machine/v86/v86-machine.js';
import { loadAllProfiles } from '../../harness/vm-config/load-profile.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const GRUB_FLOPPY = '/usr/lib/grub-rescue/grub-rescue-floppy.img';
const MEMTEST = '/boot/memtest86+ia32.bin';
const p3 = loadAllProfiles().find((p) => p.name === 'p3-i440fx')!;

const machines: V86Machine[] = [];
afterEach(async () => {
  await Promise.all(machines.splice(0).map((m) => m.stop()));
});

function machine(media: Media, options: { jit?: boolean } = {}): V86Machine {
  const m = createV86Machine({ profile: p3, media, workDir: tmpdir() }, options);
  machines.push(m);
  return m;
}

async function waitForText(m: V86Machine, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = ((await m.textScreen()) ?? []).join('\n');
    if (pattern.test(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${pattern}; screen:\n${screen}`);
}

async function waitForSerial(m: V86Machine, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(m.serial.text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on serial: ${JSON.stringify(m.serial.text)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for a graphics mode of that size with something drawn (the grub> prompt). */
async function waitForGraphics(m: V86Machine, width: number, height: number): Promise<RawImage> {
  const deadline = Date.now() + 20_000;
  let last: RawImage | undefined;
  while (Date.now() < deadline) {
    if ((await m.textScreen()) === undefined) {
      last = await m.screenshot();
      if (last.width === width && last.height === height && distinctColours(last) > 1) return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${width}×${height} graphics screen; last ${last ? `${last.width}×${last.height}` : 'text mode'}`);
}

function distinctColours(image: RawImage): number {
  const colours = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4) {
    colours.add((image.data[i]! << 16) | (image.data[i + 1]! << 8) | image.data[i + 2]!);
  }
  return colours.size;
}

async function savePng(image: RawImage, name: string): Promise<string> {
  const file = join(tmpdir(), name);
  await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 4 } }).png().toFile(file);
  return file;
}

describe('V86Machine', () => {
  it('boots the GRUB rescue CD to its menu, opens the prompt, lists devices, talks over serial', async () => {
    const m = machine({ cdrom: GRUB_CD });
    await m.start();
    const menu = await waitForText(m, /Use the .* keys to select/, 40_000);
    expect(menu).toContain('GNU GRUB');

    const shot = await m.screenshot();
    expect([shot.width, shot.height]).toEqual([720, 400]);
    expect(distinctColours(shot)).toBeGreaterThan(1);
    await savePng(shot, 'v86-grub-menu.png');

    await m.pressKeys(['c']);
    await waitForText(m, /^grub> *$/m, 20_000);
    await m.typeText('ls\n', 10);
    const listing = await waitForText(m, /\((cd|hd|fd)[0-9]/, 20_000);
    expect(listing).toContain('(cd)');
    await savePng(await m.screenshot(), 'v86-grub-ls.png');

    // Serial both ways: GRUB joins COM1 to its terminal, the host types a command there.
    await m.typeText('serial --unit=0 --speed=115200\nterminal_input --append serial\nterminal_output --append serial\n', 10);
    await waitForText(m, /terminal_output --append serial\s+grub> *$/m, 20_000);
    await m.sendSerial('echo from-the-host\r');
    await waitForSerial(m, /^from-the-host$/m, 20_000);

    const stats = await m.stats();
    expect(stats.hostRssBytes).toBeGreaterThan(p3.memoryMiB * 1024 * 1024);
    expect(stats.instructions).toBeGreaterThan(0);

    await m.stop();
    await m.stop();
    expect(await m.exited).toEqual({ requested: true, reason: 'stopped' });
    expect((m as unknown as { worker: { threadId: number } }).worker.threadId).toBe(-1);
    await expect(m.textScreen()).rejects.toBeInstanceOf(MachineCrashedError);
  }, 60_000);

  it('takes screenshots in VGA 16-colour (mode 12h) and VBE 32-bit graphics modes', async () => {
    const m = machine({ cdrom: GRUB_CD });
    await m.start();
    await waitForText(m, /Use the .* keys to select/, 40_000);
    await m.pressKeys(['c']);
    await waitForText(m, /^grub> *$/m, 20_000);

    // GRUB's `vga` driver: planar 640×480×4, composed from v86's layers.
    await m.typeText('insmod vga\nset gfxmode=640x480\nterminal_output gfxterm\n', 10);
    const planar = await waitForGraphics(m, 640, 480);
    await savePng(planar, 'v86-grub-vga12h.png');

    // Back to text, then the VBE driver: a linear 800×600×32 frame buffer (Bochs VBE).
    await m.typeText('terminal_output console\n', 10);
    await waitForText(m, /^grub> *$/m, 20_000);
    await m.typeText('insmod vbe\nset gfxmode=800x600x32\nterminal_output gfxterm\n', 10);
    await savePng(await waitForGraphics(m, 800, 600), 'v86-grub-vbe.png');
  }, 60_000);

  it('boots the GRUB rescue floppy to its menu, and again after a hardware reset', async () => {
    const m = machine({ floppy: GRUB_FLOPPY });
    await m.start();
    expect(await waitForText(m, /Use the .* keys to select/, 40_000)).toContain('GNU GRUB');
    await m.pressKeys(['c']);
    await waitForText(m, /^grub> *$/m, 20_000);
    await m.reset();
    const again = await waitForText(m, /Use the .* keys to select/, 40_000);
    expect(again).not.toMatch(/grub>/);
  }, 60_000);

  it('contains the memtest86+ crash: exited says why, requests reject, the process lives on', async () => {
    const m = machine({ kernel: MEMTEST });
    const t0 = performance.now();
    await m.start();
    const exit = await m.exited;
    expect(exit.requested).toBe(false);
    expect(exit.reason).toMatch(/^RangeError: /);
    expect(performance.now() - t0).toBeLessThan(20_000);
    await expect(m.screenshot()).rejects.toBeInstanceOf(MachineCrashedError);
    // The worker's last one-second sample survives it, so a crashed job still reports memory.
    expect((await m.stats()).hostPeakRssBytes).toBeGreaterThan(p3.memoryMiB * 1024 * 1024);
    await m.stop();
    expect(await m.exited).toEqual(exit);
  }, 60_000);

  it('never writes to an input disk, and writes a per-job writable disk back at stop', async () => {
    // An ext2 disk holding a GRUB environment block, which GRUB's save_env rewrites in place.
    const dir = mkdtempSync(join(tmpdir(), 'v86-disk-'));
    mkdirSync(join(dir, 'root'));
    const header = '# GRUB Environment Block\n';
    writeFileSync(join(dir, 'root', 'grubenv'), header + '#'.repeat(1024 - header.length));
    execFileSync('mkfs.ext2', ['-q', '-d', join(dir, 'root'), join(dir, 'input.img'), '4M']);
    const pristine = readFileSync(join(dir, 'input.img'));

    for (const writable of [false, true]) {
      const disk = join(dir, writable ? 'job.img' : 'input.img');
      if (writable) copyFileSync(join(dir, 'input.img'), disk);
      const m = machine({ cdrom: GRUB_CD, disk, diskWritable: writable });
      await m.start();
      await waitForText(m, /Use the .* keys to select/, 40_000);
      await m.pressKeys(['c']);
      await waitForText(m, /^grub> *$/m, 20_000);
      await m.typeText('set mark=written-by-guest\nsave_env -f (hd0)/grubenv mark\necho saved\n', 10);
      await waitForText(m, /^saved/m, 20_000);
      await m.stop();
      expect(readFileSync(disk).includes('mark=written-by-guest'), disk).toBe(writable);
    }
    expect(readFileSync(join(dir, 'input.img')).equals(pristine)).toBe(true);
  }, 90_000);

  it('describes itself as options that boot the same machine in a bare v86', async () => {
    const m = machine({ cdrom: GRUB_CD });
    const options = JSON.parse(m.describe()) as V86Options;
    expect(options).toEqual(m.options);
    const bare = new V86(options);
    try {
      const deadline = Date.now() + 40_000;
      const screen = () => (bare as unknown as { screen_adapter?: { get_text_screen(): string[] } }).screen_adapter?.get_text_screen().join('\n') ?? '';
      while (!/Use the .* keys to select/.test(screen()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(screen()).toContain('GNU GRUB');
    } finally {
      await bare.destroy();
    }
  }, 60_000);

  it('stops before start and twice without throwing', async () => {
    const m = machine({ cdrom: GRUB_CD });
    await m.stop();
    await m.stop();
    expect((await m.exited).requested).toBe(true);
    await expect(m.start()).rejects.toThrow();
  });
});
