/**
 * 256-colour screenshots on real guests, QEMU against v86: classic VGA mode 13h (a boot sector
 * from tests/support/boot-sector.ts) and an 8-bit indexed Bochs VBE mode (GRUB's gfxterm). Both
 * emulators get the same profile and image; their screenshots must have the same size and the
 * same pixels. One emulator runs at a time. Set BOOTGATE_KEEP_SHOTS=<dir> to keep the PNGs.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendName, Machine } from '../../harness/machine/machine.js';
import type { Media } from '../../harness/machine/media.js';
import { createQemuMachine } from '../../harness/machine/qemu/qemu-machine.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { createV86Machine } from '../../harness/machine/v86/v86-machine.js';
import { compareScreens } from '../../harness/screen/compare-screens.js';
import { loadAllProfiles } from '../../harness/vm-config/load-profile.js';
import { mode13hEntry, mode13hFloppy } from '../support/boot-sector.js';
import { distinctColours, rgb, waitForText } from '../support/machine-screen.js';
import { poll } from '../support/poll.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const p3 = loadAllProfiles().find((p) => p.name === 'p3-i440fx')!;

let shots: string;
beforeAll(async () => {
  shots = await mkdtemp(join(tmpdir(), 'bootgate-vga256-'));
});
afterAll(async () => {
  await rm(shots, { recursive: true, force: true });
});

/** Boots one machine in a private workDir, runs `drive` on it, and always stops it and removes the dir. */
async function withMachine<T>(backend: BackendName, media: Media, drive: (m: Machine) => Promise<T>): Promise<T> {
  const workDir = await mkdtemp(join(tmpdir(), `bootgate-vga256-${backend}-`));
  const spec = { profile: p3, media, workDir };
  const m = backend === 'qemu' ? createQemuMachine(spec) : createV86Machine(spec);
  try {
    await m.start();
    return await drive(m);
  } finally {
    await m.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Waits for a graphics screen that `ready` accepts and that no longer changes (three shots
 * 300 ms apart are identical), so both emulators are compared at the same, final picture.
 */
function waitForStillGraphics(m: Machine, ready: (shot: RawImage) => boolean, timeoutMs: number): Promise<RawImage> {
  let last: RawImage | undefined;
  let unchanged = 0;
  return poll(
    `a still ${m.backend} graphics screen`,
    async () => {
      if ((await m.textScreen()) !== undefined) {
        last = undefined;
        unchanged = 0;
        return undefined;
      }
      const shot = await m.screenshot();
      unchanged = last && sameSizeAndPixels(last, shot) ? unchanged + 1 : 0;
      last = shot;
      return ready(shot) && unchanged >= 2 ? shot : undefined;
    },
    { timeoutMs, everyMs: 300, lastSeen: () => (last ? `${last.width}×${last.height}, ${distinctColours(last)} colours` : 'text mode') },
  );
}

function sameSizeAndPixels(a: RawImage, b: RawImage): boolean {
  return a.width === b.width && a.height === b.height && Buffer.from(a.data).equals(Buffer.from(b.data));
}

/** Pixels whose RGB differ at all: stricter than pixelmatch, which forgives what it takes for anti-aliasing. */
function exactDiffPixels(a: RawImage, b: RawImage): number {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) n++;
  }
  return n;
}

async function savePng(image: RawImage, name: string): Promise<void> {
  const png = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
  await writeFile(join(shots, name), png);
  const keep = process.env['BOOTGATE_KEEP_SHOTS'];
  if (keep) {
    mkdirSync(keep, { recursive: true });
    await writeFile(join(keep, name), png);
  }
}

/** Same size and not one differing pixel, by pixelmatch at threshold 0 and byte for byte. */
function expectSamePicture(qemu: RawImage, v86: RawImage, what: string): void {
  expect([v86.width, v86.height], `${what}: v86 size vs QEMU`).toEqual([qemu.width, qemu.height]);
  const comparison = compareScreens(qemu, v86, { threshold: 0 });
  expect(comparison.diffPixels, `${what}: ${comparison.summary}`).toBe(0);
  expect(exactDiffPixels(qemu, v86), `${what}: pixels whose RGB differ`).toBe(0);
}

describe('256-colour screenshots of QEMU and v86 on real guests', () => {
  it('agree on VGA mode 13h (320×200, chain-4, guest-programmed DAC) drawn by a boot sector, pixel for pixel as the guest drew it', async () => {
    const floppy = join(shots, 'mode13h.img');
    await writeFile(floppy, mode13hFloppy());
    // SeaBIOS's default palette repeats black in 248–255, so ≥ 200 distinct colours means the card is there.
    const drawn = (shot: RawImage) => shot.width >= 320 && shot.height >= 200 && distinctColours(shot) >= 200;

    const shotOf = (backend: BackendName) =>
      withMachine(backend, { floppy }, (m) => waitForStillGraphics(m, drawn, 30_000));
    const qemu = await shotOf('qemu');
    await savePng(qemu, 'mode13h-qemu.png');
    const v86 = await shotOf('v86');
    await savePng(v86, 'mode13h-v86.png');

    // QEMU shows what the monitor would: 640×400, each guest pixel two dots wide and scanned twice.
    expect([qemu.width, qemu.height]).toEqual([640, 400]);
    expectSamePicture(qemu, v86, 'mode 13h');
    expect(distinctColours(v86)).toBeGreaterThanOrEqual(200);
    // It is the picture the guest drew: every pixel of one palette entry has one colour.
    const colourOf = new Map<number, number>();
    let wrong = 0;
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 320; x++) {
        const entry = mode13hEntry(x, y);
        const seen = [rgb(v86, 2 * x, 2 * y), rgb(v86, 2 * x + 1, 2 * y), rgb(v86, 2 * x, 2 * y + 1), rgb(v86, 2 * x + 1, 2 * y + 1)];
        if (!colourOf.has(entry)) colourOf.set(entry, seen[0]!);
        if (seen.some((c) => c !== colourOf.get(entry))) wrong++;
      }
    }
    expect(wrong, 'guest pixels not drawn in their palette entry\'s colour').toBe(0);
    // DAC entries 16 and 17 as the guest wrote them, (1, 63, 0) and (3, 62, 4) in 6 bits, through
    // the 6→8-bit DAC (both emulators: v << 2 | (v & 1) * 3), not SeaBIOS's grey ramp.
    expect(colourOf.get(16)!.toString(16).padStart(6, '0')).toBe('07ff00');
    expect(colourOf.get(17)!.toString(16).padStart(6, '0')).toBe('0ff810');
  }, 120_000);

  it('agree on an 8-bit indexed Bochs VBE mode (GRUB gfxterm 640×480×8): GRUB\'s palette, a guest-programmed DAC entry, videotest', async () => {
    const is640x480 = (shot: RawImage) => shot.width === 640 && shot.height === 480;
    const screens = (backend: BackendName) =>
      withMachine(backend, { cdrom: GRUB_CD }, async (m) => {
        await waitForText(m, /Use the .* keys to select/, 40_000);
        await m.pressKeys(['c']);
        await waitForText(m, /^grub> *$/m, 20_000);
        await m.typeText('insmod vbe\nset gfxmode=640x480x8\nterminal_output gfxterm\n', 10);
        await waitForStillGraphics(m, (shot) => is640x480(shot) && distinctColours(shot) > 1, 30_000);
        // Text in several of GRUB's 16 palette entries, on a coloured background.
        await m.typeText('set color_normal=yellow/blue\nclear\necho bootgate 256\nset color_normal=light-green/red\necho colours\n', 10);
        const text = await waitForStillGraphics(m, (shot) => is640x480(shot) && distinctColours(shot) >= 4, 30_000);
        // The guest reprograms DAC entry 1 (GRUB's blue, the background) through the VGA ports:
        // the mode's pixels stay, their colour changes. 6-bit values, odd ones included.
        await m.typeText('insmod iorw\noutb 0x3c8 1\noutb 0x3c9 0x3f\noutb 0x3c9 0x15\noutb 0x3c9 0x01\n', 10);
        const dac = await waitForStillGraphics(m, (shot) => is640x480(shot) && rgb(shot, 600, 400) !== rgb(text, 600, 400), 30_000);
        // GRUB's own test card: filled rectangles and text in two fonts.
        await m.typeText('insmod videotest\nvideotest 640x480x8\n', 10);
        const card = await waitForStillGraphics(m, (shot) => is640x480(shot) && !sameSizeAndPixels(shot, dac) && distinctColours(shot) >= 8, 30_000);
        return { text, dac, card };
      });
    const qemu = await screens('qemu');
    const v86 = await screens('v86');
    for (const [name, shot] of Object.entries(qemu)) await savePng(shot, `vbe8-${name}-qemu.png`);
    for (const [name, shot] of Object.entries(v86)) await savePng(shot, `vbe8-${name}-v86.png`);

    expectSamePicture(qemu.text, v86.text, 'VBE 640×480×8, gfxterm');
    expectSamePicture(qemu.dac, v86.dac, 'VBE 640×480×8, DAC entry 1 reprogrammed');
    expectSamePicture(qemu.card, v86.card, 'VBE 640×480×8, videotest');
    // Entry 1 as the guest wrote it, through the 6→8-bit DAC: 0x3f → ff, 0x15 → 57, 0x01 → 07.
    expect(rgb(qemu.dac, 600, 400).toString(16).padStart(6, '0')).toBe('ff5707');
  }, 150_000);
});
