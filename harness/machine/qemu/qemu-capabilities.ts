/**
 * What this host's QEMU build can do. `-sandbox` exists only when QEMU was built with seccomp;
 * QEMU parses options in order and `-version` exits at once, so `-sandbox on -version` costs one
 * short exec and fails exactly when the option is missing.
 *
 * The answer is a property of the binary, so it is remembered in the cache under the binary's
 * identity (path, inode, size, mtime): the probe sat on every job's way to a running guest
 * (30–45 ms here), and an upgraded QEMU is a new key.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { defaultCacheRoot } from '../../util/cache-root.js';
import { JsonMemo } from '../../util/json-memo.js';
import { PromiseMemo } from '../../util/promise-memo.js';

const sandboxProbes = new PromiseMemo<boolean>();

export function supportsSandbox(binary: string, cacheRoot = defaultCacheRoot()): Promise<boolean> {
  return sandboxProbes.get(binary, () => probeSandbox(binary, cacheRoot));
}

/** The probe itself, answered from the cache's memo when this very binary was probed before. */
export async function probeSandbox(binary: string, cacheRoot: string): Promise<boolean> {
  const memo = new JsonMemo<boolean>(join(cacheRoot, 'qemu-sandbox.json'));
  const s = await stat(binary);
  const key = `${binary} ${s.ino} ${s.size} ${s.mtimeMs}`;
  const known = await memo.get(key);
  if (typeof known === 'boolean') return known;
  const result = await execa(binary, ['-sandbox', 'on', '-version'], { reject: false, timeout: 10_000, stdin: 'ignore' });
  const supported = result.exitCode === 0;
  // A probe that timed out or was killed says nothing about the binary: not remembered.
  if (result.exitCode !== undefined && !result.timedOut) await memo.set(key, supported);
  return supported;
}
