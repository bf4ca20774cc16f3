/**
 * A frame of another size than its golden cannot be compared: say what each one is ("the screen is
 * a 720×400 text screen, the golden 1280×800") instead of a similarity that means nothing. The
 * usual cause is a mode change (a text console where a framebuffer was recorded, or `vga=` lost).
 */
import type { Machine } from '../machine/machine.js';
import type { RawImage } from '../machine/raw-image.js';

export async function sizeMismatch(machine: Machine, frame: RawImage, golden: RawImage): Promise<string | undefined> {
  if (frame.width === golden.width && frame.height === golden.height) return undefined;
  const text = (await machine.textScreen().catch(() => undefined)) !== undefined;
  return `the screen is a ${frame.width}×${frame.height} ${text ? 'text' : 'graphical'} screen, the golden ${golden.width}×${golden.height}`;
}
