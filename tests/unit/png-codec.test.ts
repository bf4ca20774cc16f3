import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { decodePng, encodePng, PngFormatError } from '../../harness/screen/png-codec.js';
import { readPng, writePng } from '../../harness/screen/png-file.js';

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

/**
 * A PNG whose row y uses filter type y % 5 (None, Sub, Up, Average, Paeth), made by the
 * definitions in the PNG standard: libpng's adaptive filtering does not promise to use them all.
 */
function pngWithEveryFilter(image: RawImage): Buffer {
  const { width, height, data } = image;
  const row = width * 4;
  const at = (y: number, i: number) => (y >= 0 && i >= 0 ? data[y * row + i]! : 0);
  const scanlines = Buffer.alloc(height * (row + 1));
  for (let y = 0; y < height; y++) {
    const type = y % 5;
    scanlines[y * (row + 1)] = type;
    for (let i = 0; i < row; i++) {
      const [a, b, c] = [at(y, i - 4), at(y - 1, i), at(y - 1, i - 4)];
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][type]!;
      scanlines[y * (row + 1) + 1 + i] = (at(y, i) - predictor) & 0xff;
    }
  }
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(scanlines)), chunk('IEND', Buffer.alloc(0))]);
}

describe('png-codec', () => {
  const image = busyImage(128, 64);

  it('writes PNGs that sharp reads back pixel for pixel', async () => {
    for (const level of [0, 3, 9]) {
      const png = await encodePng(image, level);
      expect(await sharpPixels(png)).toEqual(image);
    }
  });

  it('reads every filter type, and the RGBA and RGB PNGs sharp writes', async () => {
    const everyFilter = pngWithEveryFilter(image);
    expect(await sharpPixels(everyFilter)).toEqual(image);
    expect(await decodePng(everyFilter)).toEqual(image);
    const rgba = await sharp(image.data, raw(image)).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
    expect(await decodePng(rgba)).toEqual(image);

    const rgb = await sharp(image.data, raw(image)).removeAlpha().png({ adaptiveFiltering: true }).toBuffer();
    const decoded = await decodePng(rgb);
    expect(decoded).toEqual(await sharpPixels(rgb));
    expect(decoded!.data[3 * 4 + 3]).toBe(255);
  });

  it('leaves palette and 16-bit PNGs to sharp', async () => {
    const palette = await sharp(image.data, raw(image)).png({ palette: true }).toBuffer();
    expect(await decodePng(palette)).toBeUndefined();
    const deep = await sharp(image.data, raw(image)).toColourspace('rgb16').png().toBuffer();
    expect(await decodePng(deep)).toBeUndefined();
  });

  it('refuses a PNG cut short, one with a wrong checksum, and one that is not a PNG', async () => {
    const png = await encodePng(image, 6);
    await expect(decodePng(png.subarray(0, png.length - 20))).rejects.toThrow(/cut short/);
    await expect(decodePng(png.subarray(0, 60))).rejects.toThrow(/cut short inside its IDAT chunk/);
    const corrupt = Buffer.from(png);
    corrupt[60]! ^= 0xff;
    await expect(decodePng(corrupt)).rejects.toThrow(/IDAT chunk at byte 33 fails its checksum/);
    await expect(decodePng(Buffer.from('GIF89a, not a PNG'))).rejects.toThrow(PngFormatError);
    // A header that claims fewer pixels than the data holds: inflating stops at the claimed size.
    const small = Buffer.from(png);
    small.writeUInt32BE(2, 16);
    small.writeUInt32BE(2, 20);
    small.writeUInt32BE(crc32(small.subarray(12, 29)), 29);
    await expect(decodePng(small)).rejects.toThrow(/does not inflate to the 2×2 its header gives/);
  });
});

describe('png-file', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('round-trips a frame through a file, and reads other kinds of PNG through sharp', async () => {
    dir = mkdtempSync(join(tmpdir(), 'png-file-'));
    const image = busyImage(30, 20);
    await writePng(join(dir, 'a/frame.png'), image);
    expect(await readPng(join(dir, 'a/frame.png'))).toEqual(image);
    const palette = await sharp(image.data, raw(image)).png({ palette: true, colours: 16 }).toBuffer();
    writeFileSync(join(dir, 'palette.png'), palette);
    expect(await readPng(join(dir, 'palette.png'))).toEqual(await sharpPixels(palette));
  });

  it('writes through a temp name that it leaves no trace of', async () => {
    dir = mkdtempSync(join(tmpdir(), 'png-file-'));
    await writePng(join(dir, 'menu.qemu.png'), busyImage(30, 20));
    expect(readdirSync(dir)).toEqual(['menu.qemu.png']);
  });

  it('names the file and field of a broken PNG', async () => {
    dir = mkdtempSync(join(tmpdir(), 'png-file-'));
    const file = join(dir, 'menu.qemu.png');
    await writePng(file, busyImage(30, 20));
    writeFileSync(file, readFileSync(file).subarray(0, 50));
    await expect(readPng(file, 'waitScreen.golden')).rejects.toThrow(`${file}: waitScreen.golden: not a readable PNG (cut short`);
  });
});
