/**
 * What the OCR engine is given: the frame (or its area) in grey, scaled up twice, then cut into
 * black and white. GUI fonts are 8–11 px high, under the ~20 px Tesseract's model was trained on:
 * at 2× the mini desktop's 6×13 fixed font goes from unreadable to read. The cut makes a button's
 * soft border and gradient a clean frame that Tesseract's layout analysis leaves out, where in grey
 * it took the label in the frame for a picture: "Continue" was found on none of the installer's
 * frames in grey and on all of them cut (docs/ocr.md). Handed over as a PGM: no PNG per frame.
 */
import sharp from 'sharp';
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';

export const UPSCALE = 2;
/** Grey levels below this become black: between the installer's text (~0–60) and its buttons (~230). */
const THRESHOLD = 140;

export interface PreparedFrame {
  /** The PGM file the engine reads. */
  readonly pgm: Buffer;
  /** Its pixels, 0 (black) or 255, width × height bytes. */
  readonly pixels: Buffer;
  readonly width: number;
  readonly height: number;
}

export async function prepareFrame(frame: RawImage, clip: Rect): Promise<PreparedFrame> {
  const [width, height] = [clip.width * UPSCALE, clip.height * UPSCALE];
  const grey = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 4 } })
    .extract({ left: clip.x, top: clip.y, width: clip.width, height: clip.height })
    .greyscale()
    .resize(width, height, { kernel: 'cubic' })
    .threshold(THRESHOLD, { greyscale: true })
    .raw()
    .toBuffer();
  return { pgm: Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), grey]), pixels: grey, width, height };
}
