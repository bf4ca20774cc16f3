/**
 * The exact VGA text screen, read from video memory through QMP: no OCR, no guessing.
 *
 * The registers say where the visible page starts and how big it is; reading 0xb8000 blindly
 * shows a stale page once Linux's console scrolls by moving the CRTC start address
 * (docs/architecture.md, "Text screen"). The VM is paused while we poke the index registers, so
 * the guest never sees a changed index, and we put every index back.
 */
import { cp437UnitOf } from './cp437.js';
import { inb, outb, portValue, type MonitorLines } from './port-io.js';
import type { QmpClient } from './qmp-client.js';
import { readScratch, removeScratch, scratchWithSuffix, type ScratchFile } from './qemu-work-files.js';

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
  /** CRTC cursor location, in character cells from the window base, and whether the cursor is off (CR0A bit 5). */
  readonly cursorCell: number;
  readonly cursorOff: boolean;
}

/** The raw register values the geometry is computed from. */
export interface VgaRegisters {
  readonly gcMisc: number; // graphics controller 6
  readonly crtc: Readonly<Record<number, number>>; // 0x01, 0x07, 0x09, 0x0a, 0x0c–0x0f, 0x12, 0x13
}

const CRTC_REGS = [0x01, 0x07, 0x09, 0x0a, 0x0c, 0x0d, 0x0e, 0x0f, 0x12, 0x13] as const;

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
    cursorCell: (r(0x0e) << 8) | r(0x0f),
    cursorOff: (r(0x0a) & 0x20) !== 0,
  };
}

/** The cursor's cell on the visible page, or undefined when it is off or off the page. */
export function cursorOnPage(g: VgaTextGeometry): { column: number; row: number } | undefined {
  const offset = g.cursorCell - g.startCell;
  if (g.cursorOff || offset < 0) return undefined;
  const [row, column] = [Math.floor(offset / g.strideCells), offset % g.strideCells];
  return row < g.rows && column < g.columns ? { column, row } : undefined;
}

/**
 * Pure: the window's bytes → the page's rows of text, joined by newlines (CP437 decoded, trailing
 * blanks trimmed). The page wraps within the window. All rows go into one buffer, read as UTF-16
 * in one native call: peeks decode 16,000 cells many times a second (a console that scrolls
 * changes at every peek), and a string per row, trimmed and joined, cost twice as much.
 * String.fromCharCode(...row), before that, made 1.3 MB of garbage a peek.
 */
export function decodeTextPage(window: Uint8Array, geometry: VgaTextGeometry): string {
  const units = new Uint16Array((geometry.columns + 1) * geometry.rows);
  let n = 0;
  for (let row = 0; row < geometry.rows; row++) {
    if (row > 0) units[n++] = 0x0a; // no CP437 glyph decodes to a newline
    let end = n;
    for (let col = 0; col < geometry.columns; col++) {
      const offset = ((geometry.startCell + row * geometry.strideCells + col) * 2) % window.length;
      units[n] = cp437UnitOf(window[offset] ?? 0);
      if (units[n++] !== 0x20) end = n; // a space is the only glyph that trims
    }
    n = end;
  }
  return Buffer.from(units.buffer, 0, n * 2).toString('utf16le');
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
 * Reads the text screen of a live QEMU exactly: registers and memory with the VM paused. The
 * pause is a QMP `stop` (the guest clock places the read by it) with the memory dump behind it,
 * one HMP batch of register reads beside the dump, and one batch that puts the indexes back and
 * resumes: ~14 ms, where 24 QMP commands one after another took 20–29. `dumpFile` is a fresh
 * scratch path.
 */
export async function readTextScreen(qmp: QmpClient, hmp: MonitorLines, dumpFile: ScratchFile): Promise<TextRead> {
  const lowDumpFile = scratchWithSuffix(dumpFile, '.a0000');
  try {
    const geometry = await snapshotWhilePaused(qmp, hmp, dumpFile.qemu, lowDumpFile.qemu);
    if (!geometry) return { rows: undefined, geometry };
    if (geometry.windowBase < TEXT_DUMP_BASE) return { rows: decodeTextPage(readScratch(lowDumpFile), geometry).split('\n'), geometry };
    const offset = geometry.windowBase - TEXT_DUMP_BASE;
    return { rows: decodeTextPage(readScratch(dumpFile).subarray(offset, offset + geometry.windowBytes), geometry).split('\n'), geometry };
  } finally {
    removeScratch(dumpFile);
    removeScratch(lowDumpFile);
  }
}

/** A peek's text, with the memory and layout it was decoded from, by which the next peek knows an unchanged window. */
export interface TextPeek {
  readonly bytes: Buffer;
  readonly layout: string;
  readonly text: string;
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
export async function peekTextWindow(qmp: QmpClient, geometry: VgaTextGeometry | undefined, dumpFile: ScratchFile, previous?: TextPeek): Promise<TextPeek> {
  const { windowBase, windowBytes, strideCells } = geometry ?? DEFAULT_WINDOW;
  const layout = `${windowBase}+${windowBytes}/${strideCells}`;
  try {
    // QMP here: HMP reads its socket a byte per main-loop turn, so one long line costs it more.
    await qmp.execute('pmemsave', { val: windowBase, size: windowBytes, filename: dumpFile.qemu });
    const bytes = readScratch(dumpFile);
    // Most peeks of a wait find memory as the last one left it: no need to decode 16 K cells again.
    if (previous && previous.layout === layout && previous.bytes.equals(bytes)) return previous;
    const rows = Math.floor(windowBytes / 2 / strideCells);
    return { bytes, layout, text: decodeTextPage(bytes, { windowBase, windowBytes, startCell: 0, strideCells, columns: strideCells, rows, cursorCell: 0, cursorOff: true }) };
  } finally {
    removeScratch(dumpFile);
  }
}

/**
 * The guest is paused from the `stop` to the `cont`. The register reads go out in one batch on
 * the guess of a colour adapter, which every profile has, while QMP dumps both text windows.
 */
async function snapshotWhilePaused(qmp: QmpClient, hmp: MonitorLines, dumpFile: string, lowDumpFile: string): Promise<VgaTextGeometry | undefined> {
  // The status is read before the stop: it says whether the guest was running, i.e. whether to resume it.
  const status = qmp.execute<{ running: boolean }>('query-status');
  const stopped = qmp.execute('stop');
  const dump = qmp.execute('pmemsave', { val: TEXT_DUMP_BASE, size: TEXT_DUMP_BYTES, filename: dumpFile });
  // All in flight at once: whichever fails first is the one reported; the others must not surface as unhandled.
  for (const p of [status, stopped, dump]) p.catch(() => undefined);
  let wasRunning = false;
  let batch: RegisterBatch | undefined;
  try {
    wasRunning = (await status).running;
    await stopped;
    batch = await readRegisters(hmp, 0x3d4);
    // Misc output bit 0 clear: a mono adapter, whose CRTC answers at 0x3b4 (QEMU ignored the
    // colour ports). The GC index to restore is the one read first, before we changed it.
    if ((batch.misc & 0x01) === 0) batch = { ...(await readRegisters(hmp, 0x3b4)), gcIndex: batch.gcIndex };
    const geometry = textGeometry(batch.registers);
    // Text in the 0xa0000 window is legal VGA, just rare: dump it separately, still paused.
    if (geometry && geometry.windowBase < TEXT_DUMP_BASE) {
      await qmp.execute('pmemsave', { val: geometry.windowBase, size: geometry.windowBytes, filename: lowDumpFile });
    }
    await dump;
    return geometry;
  } finally {
    await dump.catch(() => undefined);
    const resume = [...(batch ? [outb(0x3ce, batch.gcIndex), outb(batch.crtcPort, batch.crtcIndex)] : []), ...(wasRunning ? ['cont'] : [])];
    if (resume.length) await hmp.run(resume);
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
 * One batch, in this exact order: the misc output and both index registers (reads have no side
 * effects), then select-and-read GC6 and each CRTC register. The caller restores the indexes.
 */
async function readRegisters(hmp: MonitorLines, crtcPort: number): Promise<RegisterBatch> {
  const lines = [inb(0x3cc), inb(0x3ce), inb(crtcPort), outb(0x3ce, 0x06), inb(0x3cf), ...CRTC_REGS.flatMap((reg) => [outb(crtcPort, reg), inb(crtcPort + 1)])];
  const outputs = await hmp.run(lines);
  const values = lines.flatMap((line, i) => (line.startsWith('i ') ? [portValue(line, outputs[i]!)] : []));
  const [misc, gcIndex, crtcIndex, gc6] = values as [number, number, number, number];
  const crtc: Record<number, number> = {};
  CRTC_REGS.forEach((reg, i) => (crtc[reg] = values[4 + i]!));
  return { misc, crtcPort, gcIndex, crtcIndex, registers: { gcMisc: gc6, crtc } };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
