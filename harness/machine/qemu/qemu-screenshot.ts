/**
 * A screenshot through QMP `screendump` as PNG (QEMU ≥ 7.1; without `format` it writes PPM),
 * decoded to RGBA. Text mode comes out 720×400: QEMU renders the 9-pixel-wide VGA font.
 */
import { rm } from 'node:fs/promises';
import { loadSharp } from '../../util/load-sharp.js';
import type { RawImage } from '../raw-image.js';
import type { QmpClient } from './qmp-client.js';

export async function takeScreenshot(qmp: QmpClient, pngFile: string): Promise<RawImage> {
  try {
    await qmp.execute('screendump', { filename: pngFile, format: 'png' });
    const sharp = await loadSharp();
    const { data, info } = await sharp(pngFile).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    await rm(pngFile, { force: true });
  }
}
