import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QmpClient } from '../../harness/machine/qemu/qmp-client.js';
import { takeScreenshot } from '../../harness/machine/qemu/qemu-screenshot.js';
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
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
