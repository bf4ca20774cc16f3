/**
 * mini-desktop-setup end to end on QEMU, with the pointer driven through the Machine API (the
 * scenario steps for clicks are not there yet): a blank IDE disk, setup from the CD, reboot into
 * the installed system, the first-boot wizard clicked through (Next, Back, Next, Next, Finish),
 * then the Start button, the menu's Terminal entry, a command typed into xterm and its answer.
 * X itself says where the pointer is (`xdotool getmouselocation` on the serial shell): each
 * pointerMove must land within ±1 px. Screenshots of each stage go to BOOTGATE_SHOTS if set.
 * The USB tablet only: a whole install costs minutes, and PS/2 placement is proven on both
 * backends by pointer.test.ts.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Machine } from '../../harness/machine/machine.js';
import type { PointerDevice } from '../../harness/machine/profile.js';
import { QemuMachine } from '../../harness/machine/qemu/qemu-machine.js';
import { buildPreset, type BuildResult } from '../../harness/preset/build-preset.js';
import { loadPreset, PROJECT_PRESETS } from '../../harness/preset/load-preset.js';
import { writePng } from '../../harness/screen/png-file.js';
import { loadAllProfiles } from '../../harness/vm-config/load-profile.js';
import { rgb } from '../support/machine-screen.js';

const presetDir = join(PROJECT_PRESETS, 'mini-desktop-setup');
const { preset } = loadPreset(presetDir);
const p3 = loadAllProfiles().find((p) => p.name === 'p3-i440fx')!;

/** Where the gate clicks (800×600): the wizard's xmessage is at +200+200, its buttons on its bottom row. */
export const CLICKS = {
  page1Next: [222, 347],
  page2Back: [222, 347],
  page2Next: [262, 347],
  page3Finish: [226, 347],
  start: [22, 586],
} as const;

let image: BuildResult;
let workDir: string;
beforeAll(async () => {
  image = await buildPreset(presetDir);
  workDir = await mkdtemp(join(tmpdir(), 'bootgate-desktop-setup-'));
}, 900_000);
afterAll(() => rm(workDir, { recursive: true, force: true }));

async function waitSerial(m: Machine, text: string, from: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const at = m.serial.text.indexOf(text, from);
    if (at >= 0) return at + text.length;
    if (m.serial.text.includes('FAILED', from)) break;
    await sleep(100);
  }
  throw new Error(`no "${text}" within ${ms} ms; serial:\n${m.serial.text.slice(-1500)}`);
}

async function shot(m: Machine, name: string): Promise<void> {
  if (process.env.BOOTGATE_SHOTS) await writePng(join(process.env.BOOTGATE_SHOTS, `${name}.png`), await m.screenshot());
}

async function click(m: Machine, [x, y]: readonly [number, number]): Promise<void> {
  await m.pointerMove(x, y);
  await sleep(300);
  await m.pointerButton('left', true);
  await sleep(100);
  await m.pointerButton('left', false);
}

/** Asks X where its pointer is, on the serial shell; returns { x, y }. */
async function xPointer(m: Machine): Promise<{ x: number; y: number }> {
  const from = m.serial.text.length;
  await m.sendSerial('xdotool getmouselocation\n');
  await waitSerial(m, 'screen:', from, 20_000);
  const match = /x:(\d+) y:(\d+) screen:/.exec(m.serial.text.slice(from))!;
  return { x: Number(match[1]), y: Number(match[2]) };
}

/** The bounding box of the JWM menu (background #DDDDDD, 16-bit colour) in a screenshot, outside the tray's clock (light text too). */
async function menuBox(m: Machine): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
  const img = await m.screenshot();
  let x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < (y >= 572 ? 680 : img.width); x++) {
      const c = rgb(img, x, y);
      const near = [16, 8, 0].every((s) => Math.abs(((c >> s) & 0xff) - 0xdd) <= 6);
      if (near) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
    }
  }
  return x1 < 0 ? undefined : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

describe('mini-desktop-setup on QEMU', () => {
  it('is an ISO within its image budget', () => {
    expect(image.sizeBytes).toBeLessThanOrEqual(preset.budgets.imageMiB * 1024 * 1024);
  });

  it.each<PointerDevice>(['usb-tablet'])('installs, clicks through the wizard, opens a terminal from the Start menu (%s)', async (pointer) => {
    const disk = join(workDir, `disk-${pointer}.img`);
    await writeFile(disk, '');
    await truncate(disk, preset.media!.disk!.sizeMiB * 1024 * 1024);
    const profile = { ...p3, memoryMiB: preset.budgets.ramMiB, bootOrder: preset.media!.bootOrder!, pointer };
    const m = new QemuMachine({ profile, media: { cdrom: image.imagePath, disk, diskWritable: true }, workDir });
    try {
      await m.start();
      let at = 0;
      for (const phase of preset.phases) {
        for (const c of [...phase.checkpoints, phase.marker]) at = await waitSerial(m, c, at, phase.withinSeconds * 1000);
      }
      await shot(m, 'wizard-1');

      // X sees the pointer where it was put.
      for (const [x, y] of [[400, 300], [17, 583], [CLICKS.page1Next[0], CLICKS.page1Next[1]]] as const) {
        await m.pointerMove(x, y);
        await sleep(300);
        const got = await xPointer(m);
        expect.soft(Math.abs(got.x - x), `${pointer}: asked ${x},${y}, X says ${got.x},${got.y}`).toBeLessThanOrEqual(1);
        expect.soft(Math.abs(got.y - y), `${pointer}: asked ${x},${y}, X says ${got.x},${got.y}`).toBeLessThanOrEqual(1);
      }

      await click(m, CLICKS.page1Next);
      at = await waitSerial(m, 'bootgate-wizard: page 1 next', at, 20_000);
      at = await waitSerial(m, 'bootgate-wizard: page 2 shown', at, 20_000);
      await shot(m, 'wizard-2');
      await click(m, CLICKS.page2Back);
      at = await waitSerial(m, 'bootgate-wizard: page 2 back', at, 20_000);
      at = await waitSerial(m, 'bootgate-wizard: page 1 shown', at, 20_000);
      await click(m, CLICKS.page1Next);
      at = await waitSerial(m, 'bootgate-wizard: page 2 shown', at, 20_000);
      await click(m, CLICKS.page2Next);
      at = await waitSerial(m, 'bootgate-wizard: page 2 next', at, 20_000);
      at = await waitSerial(m, 'bootgate-wizard: page 3 shown', at, 20_000);
      await shot(m, 'wizard-3');
      await click(m, CLICKS.page3Finish);
      at = await waitSerial(m, 'bootgate-wizard: finished', at, 20_000);
      at = await waitSerial(m, 'bootgate-desktop-setup: desktop ready', at, 60_000);
      await sleep(1000);
      await shot(m, 'desktop');

      expect(await menuBox(m)).toBeUndefined();
      await click(m, CLICKS.start);
      let menu: Awaited<ReturnType<typeof menuBox>>;
      for (let i = 0; i < 50 && !(menu = await menuBox(m)); i++) await sleep(200);
      await shot(m, 'menu');
      expect(menu, 'the Start menu opened').toBeDefined();
      // Terminal is the menu's first entry.
      await click(m, [menu!.x + 30, menu!.y + 10]);
      const from = m.serial.text.length;
      await m.sendSerial('xdotool search --sync --onlyvisible --class XTerm >/dev/null && echo xterm-$((40+2))\n');
      await waitSerial(m, 'xterm-42', from, 30_000);
      await sleep(1000);
      await shot(m, 'terminal');
      await m.typeText('echo answer=$(uname -m) | tee /dev/ttyS0\n', 30);
      await waitSerial(m, 'answer=i686', from, 30_000);
      await sleep(500);
      await shot(m, 'terminal-answer');
    } finally {
      await m.stop();
    }
  }, 600_000);
});
