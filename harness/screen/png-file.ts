/** PNG in and out through sharp. Reading a broken file is a ConfigError naming it; writing is atomic. */
import { mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadSharp } from '../util/load-sharp.js';
import { ConfigError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';

export async function readPng(file: string, field = 'golden'): Promise<RawImage> {
  try {
    const sharp = await loadSharp();
    const { data, info } = await sharp(file, { failOn: 'truncated' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new ConfigError(`not a readable PNG (${(e as Error).message.split('\n')[0]})`, { file, field });
  }
}

export async function encodePng(image: RawImage): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
}

/** Writes to a temp name then renames, so a crash never leaves a half-written golden. */
export async function writePng(file: string, image: RawImage): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const sharp = await loadSharp();
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).png({ compressionLevel: 9 }).toFile(tmp);
  renameSync(tmp, file);
}
