/**
 * PNG files in and out, through pngjs: any PNG a golden may have been saved as (palette, grey,
 * 16 bits, interlaced) reads as 8-bit RGBA. Reading a broken file is a ConfigError naming it;
 * writing is atomic.
 */
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { ConfigError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** Goldens are committed: the smallest file is worth deflate's slowest level. */
const GOLDEN_LEVEL = 9;

/** The last 12 bytes of every whole PNG: pngjs's own complaint about a file cut short says nothing a user can act on. */
const IEND = Buffer.from('0000000049454e44ae426082', 'hex');

export async function readPng(file: string, field = 'golden'): Promise<RawImage> {
  try {
    const bytes = await readFile(file);
    if (!bytes.subarray(-IEND.length).equals(IEND)) throw new Error('cut short, or not a PNG: it does not end in an IEND chunk');
    const { width, height, data } = PNG.sync.read(bytes);
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new ConfigError(`not a readable PNG (${(e as Error).message.split('\n')[0]})`, { file, field });
  }
}

/**
 * RGBA as a PNG, deflate `level` 0–9, filter None on every row: deflate alone makes a text screen
 * as small as adaptive filtering does, in a fraction of the time. zlib's default strategy, not
 * pngjs's run-length one, which leaves a text screen many times larger at any level. pngjs's
 * packer deflates on libuv's thread pool: a frame encoded while the guest runs does not hold up
 * the next step's polling.
 */
export function encodePng(image: RawImage, level: number): Promise<Buffer> {
  const { width, height, data } = image;
  const png = new PNG({ width, height, deflateLevel: level, deflateStrategy: 0, filterType: 0 });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    png.pack().on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

/** Writes to a temp name then renames, so a crash never leaves a half-written golden. */
export async function writePng(file: string, image: RawImage, level = GOLDEN_LEVEL): Promise<void> {
  writeFileAtomic(file, await encodePng(image, level));
}
