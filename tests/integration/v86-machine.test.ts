/**
 * Real boots in v86 (npm package) with Debian's SeaBIOS and images from Debian packages.
 * Each boot takes 2–20 s on this 2-core host. The waits leave room for a host busy with other
 * emulators (seen here: 3× slower at load 7) and bound each test; vitest's own limit is above their sum.
 */
import { execFileSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V86, type V86Options } from 'v86';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MachineCrashedError } from '../../harness/errors.js';
import type { Media } from '../../harness/machine/media.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { createV86Machine, type V86Machine } from '../../harness/machine/v86/v86-machine.js';
import { loadAllProfiles } from '../../harness/vm-config/load-profile.js';
import { distinctColours, waitForText } from '../support/machine-screen.js';
import { poll } from '../support/poll.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const GRUB_FLOPPY = '/usr/lib/grub-rescue/grub-rescue-floppy.img';
const MEMTEST = '/boot/memtest86+ia32.bin';
const MENU = /Use the .* keys to select/;
const PROMPT = /^grub> *$/m;
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

/** Waits for a graphics mode of that size with something drawn (the grub> prompt). */
function waitForGraphics(m: V86Machine, width: number, height: number): Promise<RawImage> {
  let last: RawImage | undefined;
  return poll(
    `a ${width}×${height} graphics screen`,
    async () => {
      if ((await m.textScreen()) !== undefined) return undefined;
      last = await m.screenshot();
      return last.width === width && last.height === height && distinctColours(last) > 1 ? last : undefined;
    },
    { timeoutMs: 20_000, lastSeen: () => (last ? `${last.width}×${last.height}` : 'text mode') },
  );
}

// One boot of the GRUB CD serves every fact below, in order: each test continues where the last left off.
describe('V86Machine on the GRUB rescue CD', () => {
  let m: V86Machine;
  beforeAll(async () => {
    m = createV86Machine({ profile: p3, media: { cdrom: GRUB_CD }, workDir: tmpdir() });
    await m.start();
  });
  afterAll(() => m.stop());

  it('boots to the GRUB menu and screenshots it at 720×400', async () => {
    expect(await waitForText(m, MENU, 40_000)).toContain('GNU GRUB');
    const shot = await m.screenshot();
    expect([shot.width, shot.height]).toEqual([720, 400]);
    expect(distinctColours(shot)).toBeGreaterThan(1);
  });

  it('opens the grub> prompt on a key press and lists the devices typed for', async () => {
    await m.pressKeys(['c']);
    await waitForText(m, PROMPT, 20_000);
    await m.typeText('ls\n', 10);
    expect(await waitForText(m, /\((cd|hd|fd)[0-9]/, 20_000)).toContain('(cd)');
  });

  it('talks both ways over serial once GRUB joins COM1 to its terminal', async () => {
    await m.typeText('serial --unit=0 --speed=115200\nterminal_input --append serial\nterminal_output --append serial\n', 10);
    await waitForText(m, /terminal_output --append serial\s+grub> *$/m, 20_000);
    await m.sendSerial('echo from-the-host\r');
    await poll('from-the-host echoed on serial', () => /^from-the-host$/m.test(m.serial.text), { timeoutMs: 20_000, everyMs: 50, lastSeen: () => JSON.stringify(m.serial.text) });
  });

  it('takes screenshots in VGA 16-colour (mode 12h) and VBE 32-bit graphics modes', async () => {
    // GRUB's `vga` driver: planar 640×480×4, composed from v86's layers.
    await m.typeText('insmod vga\nset gfxmode=640x480\nterminal_output gfxterm\n', 10);
    await waitForGraphics(m, 640, 480);
    // Back to text, then the VBE driver: a linear 800×600×32 frame buffer (Bochs VBE).
    await m.typeText('terminal_output console\n', 10);
    await waitForText(m, PROMPT, 20_000);
    await m.typeText('insmod vbe\nset gfxmode=800x600x32\nterminal_output gfxterm\n', 10);
    await waitForGraphics(m, 800, 600);
  });

  it('reports its host memory and the instructions it ran', async () => {
    const stats = await m.stats();
    expect(stats.hostRssBytes).toBeGreaterThan(p3.memoryMiB * 1024 * 1024);
    expect(stats.instructions).toBeGreaterThan(0);
  });

  it('stops twice without throwing, ends `exited` as requested, and ends its worker', async () => {
    await m.stop();
    await m.stop();
    expect(await m.exited).toEqual({ requested: true, reason: 'stopped' });
    expect((m as unknown as { worker: { threadId: number } }).worker.threadId).toBe(-1);
    await expect(m.textScreen()).rejects.toBeInstanceOf(MachineCrashedError);
  });
});

describe('V86Machine', () => {
  it('boots the GRUB rescue floppy to its menu, and again after a hardware reset', async () => {
    const m = machine({ floppy: GRUB_FLOPPY });
    await m.start();
    expect(await waitForText(m, MENU, 40_000)).toContain('GNU GRUB');
    await m.pressKeys(['c']);
    await waitForText(m, PROMPT, 20_000);
    await m.reset();
    const again = await waitForText(m, MENU, 40_000);
    expect(again).not.toMatch(/grub>/);
  });

  it('sets the video mode vga= asks for on a kernel it loads itself, and keeps text without one', async () => {
    // The installer's kernel sets the mode in its real-mode setup, within a second or two of the
    // first instruction; no initrd is needed for that. v86's loader alone writes "normal" (text).
    const kernel = '/usr/lib/debian-installer/images/12/i386/gtk/debian-installer/i386/linux';
    const vesa = machine({ kernel, append: 'vga=788 panic=0' });
    await vesa.start();
    // The mode is set before the kernel draws anything: the size is the proof, not the content.
    const size = await poll('an 800×600 frame', async () => {
      const { width, height } = await vesa.screenshot();
      return width === 800 && height === 600 ? { width, height } : undefined;
    }, { timeoutMs: 20_000 });
    expect(size).toEqual({ width: 800, height: 600 });
    await vesa.stop();
    const text = machine({ kernel, append: 'panic=0' });
    await text.start();
    // Given the time the VESA kernel needed several times over, it is still on the text screen.
    await delay(8000);
    expect((await text.screenshot()).width).toBe(720);
    expect(await text.textScreen()).toBeDefined();
  });

  it('contains the memtest86+ crash: exited says why, requests reject, the process lives on', async () => {
    const m = machine({ kernel: MEMTEST });
    await m.start();
    const exit = await m.exited;
    expect(exit.requested).toBe(false);
    expect(exit.reason).toMatch(/^RangeError: /);
    await expect(m.screenshot()).rejects.toBeInstanceOf(MachineCrashedError);
    // The worker's last one-second sample survives it, so a crashed job still reports memory.
    expect((await m.stats()).hostPeakRssBytes).toBeGreaterThan(p3.memoryMiB * 1024 * 1024);
    await m.stop();
    expect(await m.exited).toEqual(exit);
  }, 60_000);

  it('never writes to an input disk (given through a symlink), and writes a per-job writable disk back at stop', async () => {
    // An ext2 disk holding a GRUB environment block, which GRUB's save_env rewrites in place.
    const dir = mkdtempSync(join(tmpdir(), 'v86-disk-'));
    mkdirSync(join(dir, 'root'));
    const header = '# GRUB Environment Block\n';
    writeFileSync(join(dir, 'root', 'grubenv'), header + '#'.repeat(1024 - header.length));
    execFileSync('mkfs.ext2', ['-q', '-d', join(dir, 'root'), join(dir, 'input.img'), '4M']);
    const pristine = readFileSync(join(dir, 'input.img'));
    symlinkSync(join(dir, 'input.img'), join(dir, 'link.img'));

    for (const writable of [false, true]) {
      const disk = join(dir, writable ? 'job.img' : 'link.img');
      if (writable) copyFileSync(join(dir, 'input.img'), disk);
      const m = machine({ cdrom: GRUB_CD, disk, diskWritable: writable });
      await m.start();
      await waitForText(m, MENU, 40_000);
      await m.pressKeys(['c']);
      await waitForText(m, PROMPT, 20_000);
      await m.typeText('set mark=written-by-guest\nsave_env -f (hd0)/grubenv mark\necho saved\n', 10);
      await waitForText(m, /^saved/m, 20_000);
      await m.stop();
      expect(readFileSync(disk).includes('mark=written-by-guest'), disk).toBe(writable);
    }
    expect(readFileSync(join(dir, 'input.img')).equals(pristine)).toBe(true);
  });

  it('describes itself as options that boot the same machine in a bare v86', async () => {
    const m = machine({ cdrom: GRUB_CD });
    const options = JSON.parse(m.describe()) as V86Options;
    expect(options).toEqual(m.options);
    const bare = new V86(options);
    try {
      const screen = () => (bare as unknown as { screen_adapter?: { get_text_screen(): string[] } }).screen_adapter?.get_text_screen().join('\n') ?? '';
      await poll('the GRUB menu in the bare v86', () => MENU.test(screen()), { timeoutMs: 40_000, everyMs: 50, lastSeen: screen });
      expect(screen()).toContain('GNU GRUB');
    } finally {
      await bare.destroy();
    }
  });

  it('stops before start and twice without throwing', async () => {
    const m = machine({ cdrom: GRUB_CD });
    await m.stop();
    await m.stop();
    expect((await m.exited).requested).toBe(true);
    await expect(m.start()).rejects.toThrow();
  });
});
