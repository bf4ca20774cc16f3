import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../harness/machine/machine.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { FilmstripRecorder } from '../../harness/run/filmstrip-recorder.js';

describe('FilmstripRecorder', () => {
  it('keeps its frames under a byte budget when every frame is new noise, spanning the whole recording', async () => {
    let shots = 0;
    const machine = {
      screenshot: async (): Promise<RawImage> => {
        shots++;
        return { width: 64, height: 64, data: new Uint8Array(randomBytes(64 * 64 * 4)) };
      },
    } as unknown as Machine;
    const budget = 50_000; // 64×64 noise deflates to ~16 KB: three fit
    const recorder = new FilmstripRecorder(machine, 1, 1000, budget);
    recorder.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const frames = await recorder.stop();
    expect(shots).toBeGreaterThan(6);
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.reduce((sum, f) => sum + f.deflated.length, 0)).toBeLessThanOrEqual(budget);
    // Thinned, not cut off: the last frame kept is from the end of the recording.
    expect(frames[frames.length - 1]!.atMs).toBeGreaterThan(400);
  });
});
