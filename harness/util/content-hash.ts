/**
 * The sha256 of a file's bytes, remembered across runs in the cache: keyed by what says the file
 * is the same file with the same bytes (path, device, inode, size, modification and change times
 * in nanoseconds), so an unchanged 50 MiB image costs a stat and a small read instead of a full
 * hash. Any write to the file moves its change time, which the kernel sets and a program cannot
 * set back, so a stale hash is not reused.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultCacheRoot } from './cache-root.js';
import { PromiseMemo } from './promise-memo.js';
import { sha256File } from './sha256-file.js';
import { writeFileAtomic } from './write-file-atomic.js';

const memo = new PromiseMemo<string>();

export async function contentHash(path: string, root: string = join(defaultCacheRoot(), 'hashes')): Promise<string> {
  const abs = resolve(path);
  const s = await stat(abs, { bigint: true });
  const id = createHash('sha256').update(JSON.stringify([abs, s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].map(String))).digest('hex');
  return memo.get(`${root}\0${id}`, async () => {
    const entry = join(root, `${id.slice(0, 32)}.sha256`);
    const known = readKnown(entry);
    if (known) return known;
    const hash = await sha256File(abs);
    // A cache that cannot be written costs the next run a full hash, nothing else.
    await mkdir(root, { recursive: true })
      .then(() => writeFileAtomic(entry, `${hash}\n`))
      .catch(() => undefined);
    return hash;
  });
}

function readKnown(entry: string): string | undefined {
  try {
    const text = readFileSync(entry, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
