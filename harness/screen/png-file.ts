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

/**
 * A frame to keep in memory (the filmstrip's), not a file: compression level 3 takes 3.4 ms for a
 * 720×400 text screen and 17 KB, where level 9 took 16.8 ms for 6.5 KB (measured), once a second
 * on a core the emulator shares, for frames a passing job throws away.
 */
export async function encodePng(image: RawImage): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .png({ compressionLevel: 3, palette: false })
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
