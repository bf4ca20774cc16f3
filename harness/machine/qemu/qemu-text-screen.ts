/**
 * The exact VGA text screen, read from video memory through QMP: no OCR, no guessing.
 *
 * The registers say where the visible page starts and how big it is; reading 0xb8000 blindly
 * shows a stale page once Linux's console scrolls by moving the CRTC start address (design.md
 * §5). The VM is paused while we poke the index registers, so the guest never sees a changed
 * index, and we put every index back.
 */
import { readFile, rm } from 'node:fs/promises';
import { InfraError } from '../../errors.js';
import { cp437UnitOf } from './cp437.js';
import type { QmpClient } from './qmp-client.js';

/** Where the visible text page lies in guest memory and its shape, from the VGA registers. */
export interface VgaTextGeometry {
  /** Guest-physical address of the text window (0xb8000 colour, 0xb0000 mono). */
  readonly windowBase: number;
  readonly windowBytes: number;
  /** CRTC start address, in character cells from the window base. */
  readonly startCell: number;
  /** Cells from one row to the next (CRTC offset × 2); usually equals columns. */
  readonly strideCells: number;
  readonly columns: number;
  readonly rows: number;
}

/** The raw register values the geometry is computed from. */
export interface VgaRegisters {
  readonly gcMisc: number; // graphics controller 6
  readonly crtc: Readonly<Record<number, number>>; // 0x01, 0x07, 0x09, 0x0c, 0x0d, 0x12, 0x13
}

const CRTC_REGS = [0x01, 0x07, 0x09, 0x0c, 0x0d, 0x12, 0x13] as const;

/**
 * Pure: registers → geometry, or undefined in a graphics mode. GC6 bit 0 is exactly the test
 * QEMU's own renderer uses (vga_update_display), even with Bochs VBE enabled, so "text" here
 * means QEMU draws text.
 */
export function textGeometry(regs: VgaRegisters): VgaTextGeometry | undefined {
  if (regs.gcMisc & 0x01) return undefined;
  const r = (index: number) => regs.crtc[index] ?? 0;
  // GC6 bits 2–3 select the memory window the CPU sees.
  const map = (regs.gcMisc >> 2) & 0x03;
  const [windowBase, windowBytes] = map === 3 ? [0xb8000, 0x8000] : map === 2 ? [0xb0000, 0x8000] : map === 1 ? [0xa0000, 0x10000] : [0xa0000, 0x20000];
  // Vertical display end is 10 bits: reg 0x12 plus bit 8 in overflow bit 1 and bit 9 in overflow bit 6.
  const verticalEnd = r(0x12) | ((r(0x07) & 0x02) << 7) | ((r(0x07) & 0x40) << 3);
  const doubleScan = (r(0x09) & 0x80) !== 0;
  const scanLines = (verticalEnd + 1) / (doubleScan ? 2 : 1);
  const charHeight = (r(0x09) & 0x1f) + 1;
  const rows = clamp(Math.floor(scanLines / charHeight), 1, 128);
  const columns = clamp(r(0x01) + 1, 1, 256);
  const stride = r(0x13) * 2;
  return {
    windowBase,
    windowBytes,
    startCell: (r(0x0c) << 8) | r(0x0d),
    strideCells: stride >= columns ? stride : columns,
    columns,
    rows,
  };
}

/**
 * Pure: the window's bytes → rows of text (CP437 decoded, trailing blanks trimmed). The page
 * wraps within the window. Each row is built in one buffer: peeks decode 16,000 cells many
 * times a second, and a string per cell made garbage enough to show in bootgate's peak memory.
 */
export function decodeTextPage(window: Uint8Array, geometry: VgaTextGeometry): string[] {
  const lines: string[] = [];
  const units = new Uint16Array(geometry.columns);
  for (let row = 0; row < geometry.rows; row++) {
    for (let col = 0; col < geometry.columns; col++) {
      const offset = ((geometry.startCell + row * geometry.strideCells + col) * 2) % window.length;
      units[col] = cp437UnitOf(window[offset] ?? 0);
    }
    lines.push(String.fromCharCode(...units).trimEnd());
  }
  return lines;
}

/** Both text windows (mono 0xb0000, colour 0xb8000) in one dump, so it can go out before the registers are known. */
const TEXT_DUMP_BASE = 0xb0000;
const TEXT_DUMP_BYTES = 0x10000;

export interface TextRead {
  /** Undefined in a graphics mode. */
  readonly rows: string[] | undefined;
  readonly geometry: VgaTextGeometry | undefined;
}

/**
 * Reads the text screen of a live QEMU exactly: registers and memory with the VM paused (about
 * 24 monitor commands, ~1 ms each). `dumpFile` is a fresh scratch path.
 */
export async function readTextScreen(qmp: QmpClient, dumpFile: string): Promise<TextRead> {
  const lowDumpFile = `${dumpFile}.a0000`;
  try {
    const geometry = await snapshotWhilePaused(qmp, dumpFile, lowDumpFile);
    if (!geometry) return { rows: undefined, geometry };
    if (geometry.windowBase < TEXT_DUMP_BASE) return { rows: decodeTextPage(await readFile(lowDumpFile), geometry), geometry };
    const offset = geometry.windowBase - TEXT_DUMP_BASE;
    return { rows: decodeTextPage((await readFile(dumpFile)).subarray(offset, offset + geometry.windowBytes), geometry), geometry };
  } finally {
    await Promise.all([rm(dumpFile, { force: true }), rm(lowDumpFile, { force: true })]);
  }
}

/** Where text lives when nothing says otherwise: the colour window, 80 cells a row (every PC boots so). */
const DEFAULT_WINDOW = { windowBase: 0xb8000, windowBytes: 0x8000, strideCells: 80 } as const;

/**
 * All of text video memory as rows, from one memory read while the guest runs: no pause, one
 * command. Whatever page the CRTC shows lies within it (a Linux console scrolls by moving the
 * start address a row at a time), so text that is not in here is not on the screen; text that is
 * may be on it, or in memory beside it. Laid out as the last exact read found the window, else as
 * every PC starts.
 */
export async function peekTextWindow(qmp: QmpClient, geometry: VgaTextGeometry | undefined, dumpFile: string): Promise<string> {
  const { windowBase, windowBytes, strideCells } = geometry ?? DEFAULT_WINDOW;
  try {
    await qmp.execute('pmemsave', { val: windowBase, size: windowBytes, filename: dumpFile });
    const rows = Math.floor(windowBytes / 2 / strideCells);
    return decodeTextPage(await readFile(dumpFile), { windowBase, windowBytes, startCell: 0, strideCells, columns: strideCells, rows }).join('\n');
  } finally {
    await rm(dumpFile, { force: true });
  }
}

/**
 * Pauses the VM for two round trips: every command of the first is sent back to back (QMP runs
 * them in order) on the guess of a colour adapter, which every profile has; the second puts
 * the index registers back and resumes. Each pause is time the guest does not run, and with
 * twenty-odd commands, waiting for each reply was most of it.
 */
async function snapshotWhilePaused(qmp: QmpClient, dumpFile: string, lowDumpFile: string): Promise<VgaTextGeometry | undefined> {
  // The status is read before the stop: it says whether the guest was running, i.e. whether to resume it.
  const status = qmp.execute<{ running: boolean }>('query-status');
  const stopped = qmp.execute('stop');
  const colourBatch = sendRegisterBatch(qmp, 0x3d4);
  const dump = qmp.execute('pmemsave', { val: TEXT_DUMP_BASE, size: TEXT_DUMP_BYTES, filename: dumpFile });
  // All in flight at once: whichever fails first is the one reported; the others must not surface as unhandled.
  for (const p of [status, stopped, colourBatch, dump]) p.catch(() => undefined);
  let batch: RegisterBatch | undefined;
  let wasRunning = false;
  try {
    wasRunning = (await status).running;
    await stopped;
    batch = await colourBatch;
    // Misc output bit 0 clear: a mono adapter, whose CRTC answers at 0x3b4 (QEMU ignored the
    // colour ports). The GC index to restore is the one read first, before we changed it.
    if ((batch.misc & 0x01) === 0) batch = { ...(await sendRegisterBatch(qmp, 0x3b4)), gcIndex: batch.gcIndex };
    const geometry = textGeometry(batch.registers);
    // Text in the 0xa0000 window is legal VGA, just rare: dump it separately, still paused.
    if (geometry && geometry.windowBase < TEXT_DUMP_BASE) {
      await qmp.execute('pmemsave', { val: geometry.windowBase, size: geometry.windowBytes, filename: lowDumpFile });
    }
    await dump;
    return geometry;
  } finally {
    const resume: Promise<unknown>[] = [dump.catch(() => undefined)];
    if (batch) resume.push(outb(qmp, 0x3ce, batch.gcIndex), outb(qmp, batch.crtcPort, batch.crtcIndex));
    if (wasRunning) resume.push(qmp.execute('cont'));
    await Promise.all(resume);
  }
}

interface RegisterBatch {
  readonly misc: number;
  readonly crtcPort: number;
  readonly gcIndex: number;
  readonly crtcIndex: number;
  readonly registers: VgaRegisters;
}

/**
 * Sends, in this exact order and without waiting in between: the misc output and both index
 * registers (reads have no side effects), then select-and-read GC6 and each CRTC register.
 * The indexes are restored by the caller, in the next round trip.
 */
function sendRegisterBatch(qmp: QmpClient, crtcPort: number): Promise<RegisterBatch> {
  const head = [inb(qmp, 0x3cc), inb(qmp, 0x3ce), inb(qmp, crtcPort)];
  const writes: Promise<void>[] = [outb(qmp, 0x3ce, 0x06)];
  const gcMisc = inb(qmp, 0x3cf);
  const reads = CRTC_REGS.map((reg) => {
    writes.push(outb(qmp, crtcPort, reg));
    return inb(qmp, crtcPort + 1);
  });
  return Promise.all([Promise.all([...head, gcMisc, ...reads]), Promise.all(writes)]).then(([values]) => {
    const [misc, gcIndex, crtcIndex, gc6] = values as [number, number, number, number];
    const crtc: Record<number, number> = {};
    CRTC_REGS.forEach((reg, i) => (crtc[reg] = values[4 + i]!));
    return { misc, crtcPort, gcIndex, crtcIndex, registers: { gcMisc: gc6, crtc } };
  });
}

/**
 * HMP `i /b 0x3cc` answers `portb[0x03cc] = 0x67` (QEMU 7.2). The size letters are the
 * monitor's: b = 8, h = 16 (`portw[...]`), w = 32 bits (`portl[...]`).
 */
async function inb(qmp: QmpClient, port: number): Promise<number> {
  const text = await qmp.hmp(`i /b 0x${port.toString(16)}`);
  const match = /=\s*0x([0-9a-f]+)/i.exec(text);
  if (!match) throw new InfraError(`unexpected HMP answer to "i /b 0x${port.toString(16)}": ${JSON.stringify(text)}`);
  return Number.parseInt(match[1]!, 16);
}

/** HMP `o /b port value` answers with empty text. */
async function outb(qmp: QmpClient, port: number, value: number): Promise<void> {
  await qmp.hmp(`o /b 0x${port.toString(16)} 0x${value.toString(16)}`);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
