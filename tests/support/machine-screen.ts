/** Reading a running machine's screen in integration tests: its text, waits on it, its colours. */
import type { Machine } from '../../harness/machine/machine.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { poll } from './poll.js';

/** The text screen as one string, or a stand-in while the machine is in a graphics mode. */
export async function screenText(m: Machine): Promise<string> {
  return ((await m.textScreen()) ?? ['(graphics mode)']).join('\n');
}

/** Waits until the text screen matches `pattern` and returns the screen; fails showing the last screen. */
export function waitForText(m: Machine, pattern: RegExp, timeoutMs: number): Promise<string> {
  return poll(
    `${pattern} on the ${m.backend} screen`,
    async () => {
      const text = await screenText(m);
      return pattern.test(text) ? text : undefined;
    },
    { timeoutMs, everyMs: 50, lastSeen: () => screenText(m) },
  );
}

export function rgb(image: RawImage, x: number, y: number): number {
  const i = (y * image.width + x) * 4;
  return (image.data[i]! << 16) | (image.data[i + 1]! << 8) | image.data[i + 2]!;
}

export function distinctColours(image: RawImage): number {
  const colours = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4) colours.add((image.data[i]! << 16) | (image.data[i + 1]! << 8) | image.data[i + 2]!);
  return colours.size;
}
