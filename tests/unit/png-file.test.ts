import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { encodePng, MAX_PNG_BYTES, MAX_PNG_HEIGHT, MAX_PNG_WIDTH, readPng, writePng } from '../../harness/screen/png-file.js';
import { pngDeclaring } from '../support/hostile-inputs.js';

/** Bands of noise between gradients, with some translucent rows. */
function busyImage(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 4);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const i = (y * width + x) * 4;
      const noisy = (y >> 2) % 2 === 0;
      data[i] = noisy ? seed & 0xff : x * 3;
      data[i + 1] = noisy ? (seed >> 8) & 0xff : y * 5;
      data[i + 2] = (x + y) & 0xff;
      data[i + 3] = y % 7 === 0 ? 128 : 255;
    }
  }
  return { width, height, data };
}

const raw = (image: RawImage) => ({ raw: { width: image.width, height: image.height, channels: 4 as const } });

async function sharpPixels(png: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'png-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Reads `png` through a file, as goldens are read. */
async function read(png: Buffer): Promise<RawImage> {
  const file = join(dir, 'in.png');
  writeFileSync(file, png);
  return readPng(file);
}

describe('png-file', () => {
  const image = busyImage(128, 64);

  it('writes PNGs that sharp reads back pixel for pixel', async () => {
    for (const level of [0, 3, 9]) expect(await sharpPixels(await encodePng(image, level))).toEqual(image);
  });

  it('reads the RGBA, RGB, palette and interlaced PNGs other tools write as sharp does', async () => {
    const pngs = [
      await sharp(image.data, raw(image)).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer(),
      await sharp(image.data, raw(image)).removeAlpha().png({ adaptiveFiltering: true }).toBuffer(),
      await sharp(image.data, raw(image)).png({ palette: true, colours: 16 }).toBuffer(),
      await sharp(image.data, raw(image)).png({ progressive: true }).toBuffer(),
    ];
    expect(await read(pngs[0]!)).toEqual(image);
    for (const png of pngs.slice(1)) expect(await read(png)).toEqual(await sharpPixels(png));
    // RGB has no alpha: every pixel reads opaque.
    expect((await read(pngs[1]!)).data[3 * 4 + 3]).toBe(255);
  });

  it('round-trips a frame through a file, through a temp name that it leaves no trace of', async () => {
    await writePng(join(dir, 'a/frame.png'), image);
    expect(await readPng(join(dir, 'a/frame.png'))).toEqual(image);
    expect(readdirSync(join(dir, 'a'))).toEqual(['frame.png']);
  });

  it('names the file and field of a PNG cut short, one with a wrong checksum, and one that is not a PNG', async () => {
    const file = join(dir, 'menu.qemu.png');
    const png = await encodePng(image, 6);
    writeFileSync(file, png.subarray(0, 50));
    await expect(readPng(file, 'waitScreen.golden')).rejects.toThrow(`${file}: waitScreen.golden: not a readable PNG (cut short`);
    const corrupt = Buffer.from(png);
    corrupt[40]! ^= 0xff;
    writeFileSync(file, corrupt);
    await expect(readPng(file, 'waitScreen.golden')).rejects.toThrow(`${file}: waitScreen.golden: not a readable PNG (`);
    writeFileSync(file, 'version https://git-lfs.github.com/spec/v1\n');
    await expect(readPng(file)).rejects.toThrow(`${file}: golden: not a readable PNG (`);
    await expect(readPng(join(dir, 'missing.png'))).rejects.toThrow(/not a readable PNG \(ENOENT/);
  });

  it('reads the committed goldens', async () => {
    const menu = await readPng(join(import.meta.dirname, '../../golden-screens/grub-rescue-cd/menu.png'));
    expect([menu.width, menu.height, menu.data.length]).toEqual([720, 400, 720 * 400 * 4]);
  });
});

describe('png-file limits', () => {
  it('refuses a PNG declaring 40000×40000 from its header, without decoding it', async () => {
    const file = join(dir, 'huge.png');
    writeFileSync(file, pngDeclaring(40_000, 40_000, 1));
    await expect(readPng(file)).rejects.toThrow(`${file}: golden: not a readable PNG (it declares 40000×40000 pixels, more than the largest screen an emulator shows (2048×1536))`);
  });

  it('reads a PNG of the largest screen, and refuses one a pixel wider', async () => {
    expect((await read(pngDeclaring(MAX_PNG_WIDTH, MAX_PNG_HEIGHT, MAX_PNG_HEIGHT))).width).toBe(MAX_PNG_WIDTH);
    await expect(read(pngDeclaring(MAX_PNG_WIDTH + 1, 16, 16))).rejects.toThrow(/declares 2049×16 pixels/);
  });

  it('refuses a file over the byte cap without reading it', async () => {
    const file = join(dir, 'big.png');
    writeFileSync(file, Buffer.concat([pngDeclaring(16, 16, 16), Buffer.alloc(MAX_PNG_BYTES)]));
    await expect(readPng(file)).rejects.toThrow(/not a readable PNG \(\d+ bytes, over the 33554432-byte limit for a golden\)/);
  });

  it('refuses an interlaced PNG whose pixel data inflates past what its size allows', async () => {
    const png = pngDeclaring(64, 64, 20_000); // 20000 rows of data for a 64-row image
    png[8 + 8 + 12] = 1; // interlace method: Adam7 (the IHDR's CRC is not checked before this)
    await expect(read(png)).rejects.toThrow(/not a readable PNG \(its pixel data inflates past what 64×64 pixels can hold\)/);
  });
});
