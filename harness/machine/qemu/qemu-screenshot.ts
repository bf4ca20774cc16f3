/**
 * A screenshot through QMP `screendump` in QEMU's native PPM (P6), decoded here to RGBA. PPM
 * costs QEMU 3.8 ms for a 720×400 text screen against 15 ms to encode the PNG it can also write,
 * and needs no decoder: sharp cannot read PPM, and the format is a header and raw RGB. Text mode
 * comes out 720×400: QEMU renders the 9-pixel-wide VGA font.
 */
import { InfraError } from '../../errors.js';
import type { RawImage } from '../raw-image.js';
import type { QmpClient } from './qmp-client.js';
import { readScratch, removeScratch, type ScratchFile } from './qemu-work-files.js';

/** A decoded frame with the PPM it came from, by which the next shot knows an unchanged screen. */
export interface Screenshot {
  /** The start of `held`. */
  readonly ppm: Buffer;
  readonly frame: RawImage;
  readonly held: Buffer;
  /** The buffer the shot before held, which the next dump is read into. */
  readonly spare?: Buffer;
}

/**
 * Takes a shot. A screen unchanged since `previous` (most shots while a wait polls) returns
 * `previous` itself: comparing the PPM bytes costs a fraction of a millisecond, where decoding and
 * comparing the frame again cost several, and the 1.2 MB frame would be garbage at once. The dump
 * is read into the buffer the shot before `previous` held, not a new one: 3 MB a poll at 1280×800.
 */
export async function takeScreenshot(qmp: QmpClient, ppmFile: ScratchFile, previous?: Screenshot): Promise<Screenshot> {
  const into = previous?.spare;
  const ppm = await dumpPpm(qmp, ppmFile, into);
  if (previous?.ppm.equals(ppm)) return previous;
  const inSpare = into !== undefined && ppm.buffer === into.buffer && ppm.byteOffset === into.byteOffset;
  return { ppm, frame: decodePpm(ppm, previous), held: inSpare ? into : ppm, ...(previous ? { spare: previous.held } : {}) };
}

/** The screen as QEMU's PPM bytes, undecoded; read into `into` when it is large enough. */
export async function dumpPpm(qmp: QmpClient, ppmFile: ScratchFile, into?: Buffer): Promise<Buffer> {
  try {
    await qmp.execute('screendump', { filename: ppmFile.qemu });
    return readScratch(ppmFile, into);
  } finally {
    removeScratch(ppmFile);
  }
}

/**
 * "P6 <width> <height> <maxval>" separated by white space (comments allowed), one white-space byte,
 * then RGB rows. Rows whose bytes are those of `previous` (the same header) are copied from its
 * frame, not decoded: between two polls most screens change in a few rows (a line of text, a
 * countdown, a cursor), and decoding all of them was the largest item of a screen wait's CPU.
 */
export function decodePpm(bytes: Buffer, previous?: Pick<Screenshot, 'ppm' | 'frame'>): RawImage {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos]!)) pos++;
      if (bytes[pos] !== 0x23) break; // '#': a comment to the end of the line
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    }
    const start = pos;
    while (pos < bytes.length && !isSpace(bytes[pos]!)) pos++;
    return Buffer.from(bytes.subarray(start, pos)).toString('latin1');
  };
  const magic = token();
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  pos++; // the single white-space byte before the pixels
  if (magic !== 'P6' || !(width > 0) || !(height > 0) || maxval !== 255 || bytes.length - pos < width * height * 3) {
    throw new InfraError(`qemu screendump wrote something other than a ${width}×${height} 8-bit PPM (${magic}, ${bytes.length} bytes)`);
  }
  const data = new Uint8Array(width * height * 4);
  const before = previous && previous.ppm.length === bytes.length && bytes.compare(previous.ppm, 0, pos, 0, pos) === 0 ? previous : undefined;
  if (before) data.set(before.frame.data);
  const rowBytes = width * 3;
  for (let i = pos, o = 0; o < data.length; ) {
    const end = i + rowBytes;
    if (before && bytes.compare(before.ppm, i, end, i, end) === 0) {
      i = end;
      o += width * 4;
      continue;
    }
    for (; i < end; i += 3, o += 4) {
      data[o] = bytes[i]!;
      data[o + 1] = bytes[i + 1]!;
      data[o + 2] = bytes[i + 2]!;
      data[o + 3] = 0xff;
    }
  }
  return { width, height, data };
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}
