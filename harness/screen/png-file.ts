/**
 * PNG files in and out. The common PNG goes through png-codec.ts (node:zlib); any other kind
 * (a palette, 16 bits, interlacing, grey) through sharp, so a golden saved by any tool works.
 * Reading a broken file is a ConfigError naming it; writing is atomic.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import { loadSharp } from '../util/load-sharp.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { decodePng, encodePng } from './png-codec.js';

/** Goldens are committed: the smallest file (6.5 KB for GRUB's menu) is worth deflate's ~30 ms on the thread pool. */
const GOLDEN_LEVEL = 9;

export async function readPng(file: string, field = 'golden'): Promise<RawImage> {
  try {
    const bytes = await readFile(file);
    return (await decodePng(bytes)) ?? (await decodeWithSharp(bytes));
  } catch (e) {
    throw new ConfigError(`not a readable PNG (${(e as Error).message.split('\n')[0]})`, { file, field });
  }
}

async function decodeWithSharp(bytes: Buffer): Promise<RawImage> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(bytes, { failOn: 'truncated' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Deflate `level` 0–9. Writes to a temp name then renames, so a crash never leaves a half-written golden. */
export async function writePng(file: string, image: RawImage, level = GOLDEN_LEVEL): Promise<void> {
  writeFileAtomic(file, await encodePng(image, level));
}
