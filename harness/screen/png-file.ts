/**
 * PNG files in and out. Read through pngjs: any PNG a golden may have been saved as (palette,
 * grey, 16 bits, interlaced) reads as 8-bit RGBA. Reading a broken file is a ConfigError naming
 * it. Written as 8-bit RGBA, atomically.
 *
 * A golden is untrusted input: a 2 KB file may declare 40000×40000 pixels (6.4 GB decoded), so
 * its size and its header are checked before anything is decoded.
 */
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, deflate, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { ConfigError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** Goldens are committed: the smallest file is worth deflate's slowest level. */
const GOLDEN_LEVEL = 9;

/** The last 12 bytes of every whole PNG: pngjs's own complaint about a file cut short says nothing a user can act on. */
const IEND = Buffer.from('0000000049454e44ae426082', 'hex');

/** No emulator here shows a larger screen (QEMU's VGA and v86's SVGA modes top out below it). */
export const MAX_PNG_WIDTH = 2048;
export const MAX_PNG_HEIGHT = 1536;
/** The largest such screen as 16-bit RGBA stored without compression, and some: no real golden comes near. */
export const MAX_PNG_BYTES = 32 << 20;

const SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');
const deflateAsync = promisify(deflate);

export async function readPng(file: string, field = 'golden'): Promise<RawImage> {
  try {
    const bytes = await readCapped(file);
    if (!bytes.subarray(-IEND.length).equals(IEND)) throw new Error('cut short, or not a PNG: it does not end in an IEND chunk');
    checkHeader(bytes);
    const { width, height, data } = PNG.sync.read(bytes);
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new ConfigError(`not a readable PNG (${(e as Error).message.split('\n')[0]})`, { file, field });
  }
}

/** The file, refused unread past MAX_PNG_BYTES (the size of the open file, so it cannot change in between). */
async function readCapped(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_PNG_BYTES) throw new Error(`${size} bytes, over the ${MAX_PNG_BYTES}-byte limit for a golden`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * The IHDR's dimensions within the largest screen. pngjs inflates a plain PNG only up to the size
 * they imply, but an interlaced one without a bound: its pixel data is inflated here first, capped.
 */
function checkHeader(bytes: Buffer): void {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('no PNG signature and header');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width > MAX_PNG_WIDTH || height > MAX_PNG_HEIGHT) throw new Error(`it declares ${width}×${height} pixels, more than the largest screen an emulator shows (${MAX_PNG_WIDTH}×${MAX_PNG_HEIGHT})`);
  if (bytes[28] !== 1) return;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) {
    if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + bytes.readUInt32BE(at)));
  }
  // 16-bit RGBA is 8 bytes a pixel; each of the 7 passes adds a filter byte a row.
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: width * height * 8 + 7 * (height + 1) });
  } catch (e) {
    throw new Error((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? `its pixel data inflates past what ${width}×${height} pixels can hold` : `its pixel data does not inflate: ${(e as Error).message}`);
  }
}

/**
 * RGBA as a PNG, deflate `level` 0–9, filter None on every row: deflate alone makes a text screen
 * as small as adaptive filtering does, in a fraction of the time. zlib's default strategy (pngjs's
 * run-length one leaves a text screen many times larger at any level), deflated on libuv's thread
 * pool: a frame encoded while the guest runs does not hold up the next step's polling. Written
 * here, not by pngjs, whose packer zero-filled a bitmap it did not use and copied the rows in a
 * byte loop: 2.3 MB and ~8 ms of the main thread a 720×400 frame, for each step's report frame.
 */
export async function encodePng(image: RawImage, level: number): Promise<Buffer> {
  const { width, height, data } = image;
  const row = width * 4;
  const rows = Buffer.alloc((row + 1) * height); // each row behind its filter byte, 0
  for (let y = 0; y < height; y++) rows.set(data.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6], 8); // 8 bits a channel, RGBA
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', await deflateAsync(rows, { level })), chunk('IEND', Buffer.alloc(0))]);
}

/** Length, type, body and the CRC of type and body. */
function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, body, crc]);
}

/** Writes to a temp name then renames, so a crash never leaves a half-written golden. */
export async function writePng(file: string, image: RawImage, level = GOLDEN_LEVEL): Promise<void> {
  writeFileAtomic(file, await encodePng(image, level));
}
