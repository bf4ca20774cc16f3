import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QmpClient } from '../../harness/machine/qemu/qmp-client.js';
import { decodePpm, takeScreenshot } from '../../harness/machine/qemu/qemu-screenshot.js';
import { scratchAt } from '../../harness/machine/qemu/qemu-work-files.js';

describe('takeScreenshot', () => {
  it('decodes screendump PPM to RGBA, and returns the previous shot itself while the screen is unchanged', async () => {
    let pixels = [1, 2, 3, 4, 5, 6];
    const qmp = {
      execute: async (command: string, args: { filename: string }) => {
        expect(command).toBe('screendump');
        await writeFile(args.filename, Buffer.concat([Buffer.from('P6\n# comment\n2 1\n255\n'), Buffer.from(pixels)]));
        return {};
      },
    } as unknown as QmpClient;
    const dir = await mkdtemp(join(tmpdir(), 'bg-shot-test-'));
    try {
      const first = await takeScreenshot(qmp, scratchAt(join(dir, 'a.ppm')));
      expect(first.frame).toEqual({ width: 2, height: 1, data: new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255]) });
      expect(await takeScreenshot(qmp, scratchAt(join(dir, 'b.ppm')), first)).toBe(first);
      pixels = [1, 2, 3, 4, 5, 7];
      const changed = await takeScreenshot(qmp, scratchAt(join(dir, 'c.ppm')), first);
      expect(changed).not.toBe(first);
      expect(changed.frame.data[6]).toBe(7);
      // From the third shot on, a dump goes into the buffer the shot before last held.
      pixels = [9, 2, 3, 4, 5, 7];
      const third = await takeScreenshot(qmp, scratchAt(join(dir, 'd.ppm')), changed);
      expect(third.held).toBe(first.held);
      expect([third.frame.data[0], changed.frame.data[0], changed.ppm.at(-6)]).toEqual([9, 1, 1]);
      expect(await takeScreenshot(qmp, scratchAt(join(dir, 'e.ppm')), third)).toBe(third);
      // A larger screen than the spare buffer holds is read into a new one.
      pixels = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
      const wider = await takeScreenshot(qmp, scratchAt(join(dir, 'f.ppm')), third);
      expect(wider.held).not.toBe(changed.held);
      expect(wider.frame.data.length).toBe(8);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('decodes only the rows that changed since the previous shot, and copies the others from its frame', () => {
    const ppm = (rows: number[][], header = 'P6\n2 3\n255\n') => Buffer.concat([Buffer.from(header), Buffer.from(rows.flat())]);
    const rows = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], [13, 14, 15, 16, 17, 18]];
    // The previous frame is marked (alpha 7) where decoding its PPM would not give it: a copied row shows.
    const marked = (bytes: Buffer) => {
      const frame = decodePpm(bytes);
      return { ppm: bytes, frame: { ...frame, data: frame.data.map((v, i) => (i % 4 === 3 ? 7 : v)) } };
    };
    const previous = marked(ppm(rows));
    const second = ppm([rows[0]!, [70, 80, 90, 100, 110, 120], rows[2]!]);
    const decoded = decodePpm(second, previous);
    expect(Array.from(decoded.data)).toEqual([1, 2, 3, 7, 4, 5, 6, 7, 70, 80, 90, 255, 100, 110, 120, 255, 13, 14, 15, 7, 16, 17, 18, 7]);
    // The same bytes under another header (3×2 against 2×3) are other pixels: nothing is copied.
    expect(decodePpm(second, marked(ppm(rows, 'P6\n3 2\n255\n')))).toEqual(decodePpm(second));
  });
});
