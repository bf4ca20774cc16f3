/**
 * The key under which a JsonMemo remembers what apt resolved a recipe's packages to, valid for as
 * long as apt's view cannot have changed: it covers the package lists (name, size, mtime), dpkg's
 * status file and apt's preferences. `apt-cache` costs a second or more per call, which would
 * otherwise dominate a cache hit; `apt-get update` (the only way a new Debian version arrives)
 * changes the key.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { APT_LISTS_DIR } from './debian-packages.js';

const APT_STATE_PATHS = ['/var/lib/dpkg/status', '/etc/apt/preferences', '/etc/apt/preferences.d', '/etc/apt/sources.list', '/etc/apt/sources.list.d'];

/** A digest of everything apt-cache's answers depend on. Changes whenever apt-get update fetched something. */
export async function aptStateKey(listsDir = APT_LISTS_DIR, extraPaths = APT_STATE_PATHS): Promise<string> {
  const hash = createHash('sha256');
  const describe = async (path: string) => {
    try {
      const s = await stat(path);
      hash.update(`${path} ${s.size} ${s.mtimeMs}\n`);
      if (s.isDirectory()) for (const n of (await readdir(path)).sort()) if (n !== 'lock' && n !== 'partial') await describe(join(path, n));
    } catch {
      hash.update(`${path} -\n`);
    }
  };
  await describe(listsDir);
  for (const p of extraPaths) await describe(p);
  return hash.digest('hex');
}
