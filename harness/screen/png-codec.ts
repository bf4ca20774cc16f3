/**
 * PNG to and from RGBA frames with node:zlib, for the PNGs a passing job reads and writes (its
 * goldens and step screenshots): loading sharp (libvips) costs a bootgate process 67–100 ms of
 * CPU and ~20 MiB resident, on the cores the emulator needs while it boots. Only the common form
 * is handled here, 8-bit RGB or RGBA without interlacing (what sharp, QEMU and bootgate write);
 * any other PNG is left to sharp (png-file.ts).
 */
import { crc32, deflate, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import type { RawImage } from '../machine/raw-image.js';

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_RGB = 2;
const COLOR_RGBA = 6;

/** The file is not a whole, well-formed PNG; the message says what is wrong. */
export class PngFormatError extends Error {}

/**
 * Encodes RGBA with filter None on every row: deflate alone makes a text screen as small as
 * libvips' PNG does (6.5 KB for GRUB's menu at level 9). Deflate runs on libuv's thread pool.
 */
export async function encodePng(image: RawImage, level: number): Promise<Buffer> {
  const { width, height, data } = image;
  const row = width * 4;
  const scanlines = Buffer.alloc(height * (row + 1)); // each row: filter byte 0, then its pixels
  for (let y = 0; y < height; y++) scanlines.set(data.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, COLOR_RGBA, 0, 0, 0], 8); // bit depth, colour type, compression, filter, interlace
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', await deflateAsync(scanlines, { level })), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

/**
 * Decodes an 8-bit RGB or RGBA PNG without interlacing; undefined for any other kind of PNG.
 * Throws PngFormatError when the file is not a whole PNG: cut short, a chunk's checksum wrong,
 * pixel data that does not inflate to the size the header gives.
 */
export async function decodePng(bytes: Uint8Array): Promise<RawImage | undefined> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < SIGNATURE.length || !buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new PngFormatError('no PNG signature');
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  for (let pos = SIGNATURE.length; !ended; ) {
    if (pos + 12 > buf.length) throw new PngFormatError(`cut short at byte ${buf.length} (no IEND chunk)`);
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const end = pos + 8 + length;
    if (end + 4 > buf.length) throw new PngFormatError(`cut short inside its ${type} chunk (byte ${buf.length} of ${end + 4})`);
    if (crc32(buf.subarray(pos + 4, end)) !== buf.readUInt32BE(end)) throw new PngFormatError(`the ${type} chunk at byte ${pos} fails its checksum`);
    const body = buf.subarray(pos + 8, end);
    if (type === 'IHDR') header = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') ended = true;
    else if (type === 'PLTE' || type === 'tRNS') return undefined; // a palette or a transparent colour: sharp's
    pos = end + 4;
  }
  if (!header || header.length !== 13) throw new PngFormatError('no IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, color, compression, filter, interlace] = header.subarray(8, 13);
  if (depth !== 8 || (color !== COLOR_RGB && color !== COLOR_RGBA) || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
  if (width === 0 || height === 0) throw new PngFormatError(`a ${width}×${height} image`);
  const channels = color === COLOR_RGBA ? 4 : 3;
  const row = width * channels;
  const expected = height * (row + 1);
  let scanlines: Buffer;
  try {
    // Bounded: a few bytes that inflate to gigabytes must not take the process's memory.
    scanlines = await inflateAsync(Buffer.concat(idat), { maxOutputLength: expected });
  } catch (e) {
    throw new PngFormatError(`its pixel data does not inflate to the ${width}×${height} its header gives (${(e as Error).message})`);
  }
  if (scanlines.length !== expected) throw new PngFormatError(`${scanlines.length} bytes of pixel data, where ${width}×${height} needs ${expected}`);
  const pixels = unfilter(scanlines, height, row, channels);
  return { width, height, data: channels === 4 ? pixels : rgbToRgba(pixels) };
}

/** Undoes the per-row filters (None, Sub, Up, Average, Paeth) in place; returns the bare rows. */
function unfilter(scanlines: Buffer, height: number, row: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * row);
  // One loop per filter kind, and a plain copy for None (what bootgate writes): a golden is
  // decoded once per wait, often before V8 has compiled this, and a per-byte switch that also
  // fetched every neighbour took 16–50 ms for a 720×400 golden in the interpreter.
  for (let y = 0; y < height; y++) {
    const kind = scanlines[y * (row + 1)]!;
    const src = y * (row + 1) + 1;
    const at = y * row;
    const up = at - row; // the previous row in `out`; y = 0 has none (zeros)
    switch (kind) {
      case 0:
        out.set(scanlines.subarray(src, src + row), at);
        break;
      case 1:
        for (let i = 0; i < row; i++) out[at + i] = scanlines[src + i]! + (i >= bpp ? out[at + i - bpp]! : 0);
        break;
      case 2:
        for (let i = 0; i < row; i++) out[at + i] = scanlines[src + i]! + (y > 0 ? out[up + i]! : 0);
        break;
      case 3:
        for (let i = 0; i < row; i++) out[at + i] = scanlines[src + i]! + (((i >= bpp ? out[at + i - bpp]! : 0) + (y > 0 ? out[up + i]! : 0)) >> 1);
        break;
      case 4:
        for (let i = 0; i < row; i++) {
          const left = i >= bpp ? out[at + i - bpp]! : 0;
          const above = y > 0 ? out[up + i]! : 0;
          const upLeft = y > 0 && i >= bpp ? out[up + i - bpp]! : 0;
          out[at + i] = scanlines[src + i]! + paeth(left, above, upLeft);
        }
        break;
      default:
        throw new PngFormatError(`row ${y} has filter type ${kind}`);
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function rgbToRgba(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) {
    out[o] = rgb[i]!;
    out[o + 1] = rgb[i + 1]!;
    out[o + 2] = rgb[i + 2]!;
    out[o + 3] = 0xff;
  }
  return out;
}
