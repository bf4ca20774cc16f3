/**
 * What the OCR engine is given: not the frame, but its clusters of letters (ink-lines.ts) cut out
 * and packed into rows of one small picture, each strip dark on light (a light-on-dark one is
 * inverted), and everything that is not a letter (a button's border, a band, the background) white;
 * then scaled up twice (cubic) and cut into black and white. A sparse screen is a few percent of
 * its pixels this way, and what Tesseract's layout analysis sees is only text.
 *
 * GUI fonts are 8–11 px high, under the ~20 px Tesseract's model was trained on: at 2× the mini
 * desktop's 6×13 fixed font goes from unreadable to read. The cut makes a button's soft border and
 * gradient clean edges; in grey, "Continue" was found on none of the installer's frames
 * (docs/ocr.md). Handed over as a PGM: no PNG per frame.
 */
import sharp from 'sharp';
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';
import { pointerBox } from '../screen/pointer-box.js';
import { inkLines, THRESHOLD } from './ink-lines.js';
import type { Edges } from './tight-box.js';

export const UPSCALE = 2;

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Paper kept around a cluster, in frame pixels, and between strips. */
const MARGIN = 3;
const GAP = 6;
/** Strips are packed into rows this wide at least (frame pixels): a short, wide picture. */
const ROW_WIDTH = 400;

/** Where one cluster of the frame sits in the picture. */
export interface Strip {
  /** In frame pixels. */
  readonly frame: Rect;
  /** Its top-left corner in the picture, before the upscale. */
  readonly at: { readonly x: number; readonly y: number };
}

export interface PreparedFrame {
  /** The PGM file the engine reads; undefined when the frame holds nothing like text. */
  readonly pgm?: Buffer;
  /** Its pixels, 0 (black) or 255, width × height bytes. */
  readonly pixels: Buffer;
  readonly width: number;
  readonly height: number;
  readonly strips: readonly Strip[];
}

/** `pointer`: where bootgate put the pointer, in frame pixels (its cursor is cut off the line it lies on). */
export async function prepareFrame(frame: RawImage, clip: Rect, pointer?: Point): Promise<PreparedFrame> {
  const grey = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 4 } })
    .extract({ left: clip.x, top: clip.y, width: clip.width, height: clip.height })
    .removeAlpha()
    .greyscale()
    .raw()
    .toBuffer();
  const cursor = pointer ? pointerBox(pointer) : undefined;
  const found = inkLines(grey, clip.width, clip.height, cursor && { ...cursor, x: cursor.x - clip.x, y: cursor.y - clip.y });
  if (found.lines.length === 0) return { pixels: Buffer.alloc(0), width: 0, height: 0, strips: [] };
  const boxes = found.lines.map(({ box: l, rows }) => {
    const x0 = Math.max(0, l.x - MARGIN);
    const y0 = Math.max(0, l.y - MARGIN);
    return { x: x0, y: y0, width: Math.min(clip.width, l.x + l.width + MARGIN) - x0, height: Math.min(clip.height, l.y + l.height + MARGIN) - y0, rows };
  });
  // Shelf packing in reading order.
  const rowWidth = Math.max(ROW_WIDTH, ...boxes.map((b) => b.width));
  const placed: { box: (typeof boxes)[number]; at: { x: number; y: number } }[] = [];
  let [x, y, rowHeight] = [GAP, GAP, 0];
  for (const box of boxes) {
    if (x + box.width > rowWidth + GAP) [x, y, rowHeight] = [GAP, y + rowHeight + GAP, 0];
    placed.push({ box, at: { x, y } });
    x += box.width + GAP;
    rowHeight = Math.max(rowHeight, box.height);
  }
  const [width, height] = [rowWidth + 2 * GAP, y + rowHeight + GAP];
  const picture = Buffer.alloc(width * height, 255);
  for (const { box, at } of placed) {
    let inkCount = 0;
    for (let py = box.y; py < box.y + box.height; py++) for (let px = box.x; px < box.x + box.width; px++) if (grey[py * clip.width + px]! < THRESHOLD) inkCount++;
    // Mostly ink: light letters on a dark band.
    const invert = inkCount > (box.width * box.height) / 2;
    for (let py = 0; py < box.height; py++) {
      for (let px = 0; px < box.width; px++) {
        const i = (box.y + py) * clip.width + box.x + px;
        const g = grey[i]!;
        const mark = found.marks[found.markOf[i]!]!;
        const y = box.y + py;
        const cursorTail = box.rows && (y < box.rows.y0 || y >= box.rows.y1) && found.underPointer.has(mark);
        picture[(at.y + py) * width + at.x + px] = mark.letter && !cursorTail ? (invert ? 255 - g : g) : 255;
      }
    }
  }
  const [W, H] = [width * UPSCALE, height * UPSCALE];
  const pixels = await sharp(picture, { raw: { width, height, channels: 1 } })
    .resize(W, H, { kernel: 'cubic' })
    .threshold(THRESHOLD, { greyscale: true })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  const strips = placed.map(({ box, at }) => ({ frame: { x: clip.x + box.x, y: clip.y + box.y, width: box.width, height: box.height }, at }));
  return { pgm: Buffer.concat([Buffer.from(`P5\n${W} ${H}\n255\n`), pixels]), pixels, width: W, height: H, strips };
}

/** The strip a box on the picture lies in (by its centre), if any. */
export function stripOf(image: PreparedFrame, b: Edges): Strip | undefined {
  const [cx, cy] = [(b.x0 + b.x1) / 2 / UPSCALE, (b.y0 + b.y1) / 2 / UPSCALE];
  return image.strips.find((s) => cx >= s.at.x && cx < s.at.x + s.frame.width && cy >= s.at.y && cy < s.at.y + s.frame.height);
}

/** A box on the picture, back in the frame's pixels, through its strip. */
export function toFrame(b: Edges, strip: Strip): Rect {
  const x0 = Math.floor(b.x0 / UPSCALE);
  const y0 = Math.floor(b.y0 / UPSCALE);
  const [dx, dy] = [strip.frame.x - strip.at.x, strip.frame.y - strip.at.y];
  return { x: x0 + dx, y: y0 + dy, width: Math.ceil(b.x1 / UPSCALE) - x0, height: Math.ceil(b.y1 / UPSCALE) - y0 };
}
