/**
 * Turns recorded frames into the two files a person looks at: an animated WebP that replays the
 * boot at its real pace (capped per frame so long waits do not drag) and a contact sheet PNG.
 */
import { loadSharp } from '../util/load-sharp.js';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { FilmFrame } from './filmstrip-recorder.js';

const THUMB_WIDTH = 360;
const THUMB_HEIGHT = 200;
const MAX_FRAME_DELAY_MS = 1500;

export async function writeFilmstrip(frames: readonly FilmFrame[], dir: string): Promise<{ animation: string; sheet: string } | undefined> {
  if (frames.length === 0) return undefined;
  const sharp = await loadSharp();
  // Mode switches change the frame size; frames must agree in size to be joined.
  const thumbs = await Promise.all(
    frames.map((f) => sharp(inflateSync(f.deflated), { raw: { width: f.width, height: f.height, channels: 4 } }).resize(THUMB_WIDTH, THUMB_HEIGHT, { fit: 'contain', background: '#000' }).png().toBuffer()),
  );
  const delays = frames.map((f, i) => Math.min(MAX_FRAME_DELAY_MS, Math.max(100, Math.round((frames[i + 1]?.atMs ?? f.atMs + 1000) - f.atMs))));
  const animation = join(dir, 'filmstrip.webp');
  const sheet = join(dir, 'filmstrip.png');
  // sharp joins two images or more; a single frame is written as it is.
  if (thumbs.length === 1) {
    await sharp(thumbs[0]).webp().toFile(animation);
    await sharp(thumbs[0]).png().toFile(sheet);
  } else {
    await sharp(thumbs, { join: { animated: true } }).webp({ delay: delays, loop: 0, quality: 70 }).toFile(animation);
    await sharp(thumbs, { join: { across: Math.min(6, thumbs.length), shim: 4, background: '#333' } }).png().toFile(sheet);
  }
  return { animation, sheet };
}
