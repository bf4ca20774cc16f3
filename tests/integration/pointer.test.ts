/**
 * The pointer on real guests, QEMU and v86, read by boot sectors that print what they receive
 * (tests/support/pointer-sectors.ts): the vmmouse must come back as the device coordinate of the
 * pixel asked for, mapped back as Xorg's vmmouse driver maps it (value · width / 65536), within
 * ±1 px, with its buttons; a PS/2 walk must move a cursor that follows its packets exactly onto
 * the pixel; and a PS/2 click must reach a guest that reads the mouse slowly. One emulator at a time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendName, Machine } from '../../harness/machine/machine.js';
import { createQemuMachine } from '../../harness/machine/qemu/qemu-machine.js';
import { createV86Machine } from '../../harness/machine/v86/v86-machine.js';
import { clickAt } from '../../harness/machine/pointer.js';
import { loadAllProfiles } from '../../harness/vm-config/load-profile.js';
import { poll } from '../support/poll.js';
import { ps2Floppy, ps2LeftButton, ps2Positions, slowPs2Floppy, vmmouseFloppy, vmmouseReports } from '../support/pointer-sectors.js';

const p3 = loadAllProfiles().find((p) => p.name === 'p3-i440fx')!;
const profile = { ...p3, pointer: 'vmmouse' as const, bootOrder: ['floppy' as const] };

/** Waits for what the guest printed, failing with the serial log's tail. */
function until<T>(m: Machine, what: string, probe: () => T | undefined): Promise<T> {
  return poll(`${m.backend}: ${what}`, probe, { timeoutMs: 30_000, everyMs: 20, lastSeen: () => m.serial.text.slice(-500) });
}

/** Boots `floppy` on `backend` with the given pointer, runs `body` on the machine, stops it. */
async function withFloppyGuest(backend: BackendName, name: string, floppy: Uint8Array, pointer: 'vmmouse' | 'ps2', body: (m: Machine) => Promise<void>): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), `bootgate-pointer-${name}-${backend}-`));
  const image = join(workDir, `${name}.img`);
  await writeFile(image, floppy);
  const spec = { profile: { ...profile, pointer }, media: { floppy: image }, workDir };
  const m = backend === 'qemu' ? createQemuMachine(spec) : createV86Machine(spec);
  try {
    await m.start();
    await until(m, 'the boot sector to turn on reporting', () => (m.serial.text.includes('R\n') ? true : undefined));
    await body(m);
  } finally {
    await m.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

describe.each<BackendName>(['qemu', 'v86'])('vmmouse pointer on %s', (backend) => {
  it('lands on the pixel asked for, ±1 px, as the guest reads it', { timeout: 120_000 }, async () => {
    await withFloppyGuest(backend, 'vmmouse', vmmouseFloppy(), 'vmmouse', async (m) => {
      const { width, height } = await m.screenshot();
      const points = [[0, 0], [width - 1, height - 1], [Math.floor(width / 2), Math.floor(height / 3)], [123, 321 % height], [width - 2, 1]] as const;
      for (const [x, y] of points) {
        const before = vmmouseReports(m.serial.text).length;
        await m.pointerMove(x, y);
        const report = await until(m, `a report after moving to ${x},${y}`, () => vmmouseReports(m.serial.text).slice(before).at(-1));
        const landed = { x: Math.floor((report.x * width) / 65536), y: Math.floor((report.y * height) / 65536) };
        expect.soft(Math.abs(landed.x - x), `${backend} ${width}×${height}: asked ${x},${y}, device ${report.x},${report.y} → ${landed.x},${landed.y}`).toBeLessThanOrEqual(1);
        expect.soft(Math.abs(landed.y - y), `${backend}: asked ${x},${y} → ${landed.x},${landed.y}`).toBeLessThanOrEqual(1);
      }
      const before = vmmouseReports(m.serial.text).length;
      await m.pointerButton('left', true);
      const pressed = await until(m, 'a button report', () => vmmouseReports(m.serial.text).slice(before).at(-1));
      expect(pressed.buttons).not.toBe(0);
      await m.pointerButton('left', false);
    });
  });
});

describe.each<BackendName>(['qemu', 'v86'])('PS/2 mouse on %s', (backend) => {
  it('walks a cursor that is moved by exactly the packets onto the pixel asked for', { timeout: 180_000 }, async () => {
    await withFloppyGuest(backend, 'ps2', ps2Floppy(), 'ps2', async (m) => {
      const { width, height } = await m.screenshot();
      expect([width, height]).toEqual([720, 400]); // the size the boot sector clamps to
      for (const [x, y] of [[0, 0], [719, 399], [360, 133], [123, 321]] as const) {
        await m.pointerMove(x, y);
        // The walk's packets have all been sent; the guest has read them once the cursor stops.
        let last = '';
        const landed = await until(m, `the cursor to settle after moving to ${x},${y}`, () => {
          const now = ps2Positions(m.serial.text).at(-1);
          const key = JSON.stringify(now);
          const settled = key === last ? now : undefined;
          last = key;
          return settled;
        });
        expect.soft(Math.abs(landed.x - x), `${backend}: asked ${x},${y}, cursor at ${landed.x},${landed.y}`).toBeLessThanOrEqual(1);
        expect.soft(Math.abs(landed.y - y), `${backend}: asked ${x},${y}, cursor at ${landed.x},${landed.y}`).toBeLessThanOrEqual(1);
      }
    });
  });
});

describe.each<BackendName>(['qemu', 'v86'])('PS/2 clicks on %s', (backend) => {
  // QEMU keeps a button state it had no room to send and sends only the latest: before bootgate
  // waited for the guest to read its queue, this guest never saw the press.
  it('reach a guest that reads the mouse slowly, as a press and then a release', { timeout: 120_000 }, async () => {
    await withFloppyGuest(backend, 'slow-ps2', slowPs2Floppy(), 'ps2', async (m) => {
      await clickAt(m, 40, 40);
      const buttons = await until(m, 'a packet with the button up after one with it down', () => {
        const left = ps2LeftButton(m.serial.text);
        const pressed = left.indexOf(true);
        return pressed >= 0 && left.slice(pressed).includes(false) ? left : undefined;
      });
      expect(buttons.filter(Boolean).length, `${backend}: packets with the button down`).toBeGreaterThanOrEqual(1);
    });
  });
});
