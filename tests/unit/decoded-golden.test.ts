/**
 * A job's steps decode a golden once while its file stays the same: the wait and the click on a
 * region golden, a repeat's tries. A file written in between (an update mode, `accept`, a person)
 * is read again, and a broken one is still an error naming it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { DecodedGolden, GoldenStore } from '../../harness/screen/golden-store.js';
import { writePng } from '../../harness/screen/png-file.js';
import { tempDirForEach } from '../support/temp-dir.js';

const dir = tempDirForEach('bootgate-decoded-golden-');
const frame = (shade: number): RawImage => ({ width: 4, height: 2, data: Uint8Array.from({ length: 32 }, (_, i) => (i % 4 === 3 ? 255 : (i * 8 + shade) % 256)) });

describe('DecodedGolden', () => {
  it('hands two steps of a job the same decoded image while the file is unchanged', async () => {
    await writePng(join(dir(), 'menu', 'start.png'), frame(0));
    const decoded = new DecodedGolden();
    const wait = await new GoldenStore(dir(), 'menu', 'qemu', 'none', decoded).load('start');
    const click = await new GoldenStore(dir(), 'menu', 'qemu', 'none', decoded).load('start');
    expect(click.image).toBe(wait.image);
    // Another job has its own: nothing is shared across jobs.
    const other = await new GoldenStore(dir(), 'menu', 'qemu', 'none').load('start');
    expect(other.image).not.toBe(wait.image);
    expect(other.image!.data).toEqual(wait.image!.data);
  });

  it('reads the file again once it was written, by the store or by anyone else', async () => {
    const decoded = new DecodedGolden();
    const store = new GoldenStore(dir(), 'menu', 'qemu', 'all', decoded);
    await store.write('start', frame(0));
    const before = await store.load('start');
    await store.write('start', frame(100));
    const after = await store.load('start');
    expect(after.image!.data).toEqual(frame(100).data);
    expect(after.image!.data).not.toEqual(before.image!.data);

    writeFileSync(store.ownPath('start'), 'not a png');
    await expect(store.load('start')).rejects.toThrow(ConfigError);
  });
});
