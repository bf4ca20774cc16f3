import { chmod, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeSandbox } from '../../harness/machine/qemu/qemu-capabilities.js';
import { tempDirForEach } from '../support/temp-dir.js';

describe('probeSandbox', () => {
  const dir = tempDirForEach('bg-sandbox-test-');

  /** A stand-in QEMU that logs each call and accepts -sandbox or not. */
  async function fakeQemu(name: string, hasSandbox: boolean): Promise<string> {
    const binary = join(dir(), name);
    await writeFile(binary, `#!/bin/sh\necho "$@" >> ${join(dir(), `${name}.calls`)}\n[ "$1" = -sandbox ] && exit ${hasSandbox ? 0 : 1}\nexit 0\n`);
    await chmod(binary, 0o755);
    return binary;
  }
  const calls = async (name: string) => (await readFile(join(dir(), `${name}.calls`), 'utf8')).trim().split('\n');

  it('execs the binary once, then answers from the cache until the binary changes', async () => {
    const binary = await fakeQemu('qemu-a', true);
    const cache = join(dir(), 'cache');
    expect(await probeSandbox(binary, cache)).toBe(true);
    expect(await probeSandbox(binary, cache)).toBe(true);
    expect(await calls('qemu-a')).toEqual(['-sandbox on -version']);

    await utimes(binary, new Date(), new Date(Date.now() + 5000)); // an upgrade: a new mtime
    expect(await probeSandbox(binary, cache)).toBe(true);
    expect(await calls('qemu-a')).toHaveLength(2);
  });

  it('remembers a build without seccomp as such, per binary', async () => {
    const without = await fakeQemu('qemu-b', false);
    const withIt = await fakeQemu('qemu-c', true);
    const cache = join(dir(), 'cache');
    expect(await probeSandbox(without, cache)).toBe(false);
    expect(await probeSandbox(withIt, cache)).toBe(true);
    expect(await probeSandbox(without, cache)).toBe(false);
    expect(await calls('qemu-b')).toHaveLength(1);
  });
});
