/**
 * Remembers what apt resolved a recipe's packages to, for as long as apt's view cannot have
 * changed: the key covers the package lists (name, size, mtime), dpkg's status file and apt's
 * preferences. `apt-cache` costs a second or more per call, which would otherwise dominate a
 * cache hit; `apt-get update` (the only way a new Debian version arrives) changes the key.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { APT_LISTS_DIR } from './debian-packages.js';

const APT_STATE_PATHS = ['/var/lib/dpkg/status', '/etc/apt/preferences', '/etc/apt/preferences.d', '/etc/apt/sources.list', '/etc/apt/sources.list.d'];
const MAX_ENTRIES = 64;

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

export class ResolutionMemo<T> {
  constructor(readonly file: string) {}

  async get(key: string): Promise<T | undefined> {
    return (await this.read())[key];
  }

  /** Stores `value` under `key`, keeping the newest entries; written atomically, best effort. */
  async set(key: string, value: T): Promise<void> {
    const entries = Object.entries(await this.read()).filter(([k]) => k !== key);
    const kept = Object.fromEntries([...entries.slice(-(MAX_ENTRIES - 1)), [key, value]]);
    try {
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(kept));
      await rename(tmp, this.file);
    } catch {
      // A memo that cannot be written only costs the next build an apt-cache call.
    }
  }

  private async read(): Promise<Record<string, T>> {
    try {
      const data: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, T>) : {};
    } catch {
      return {};
    }
  }
}
