/**
 * Finds a file inside an unpacked package by the recipe's path, where `*` matches any run of
 * characters within one path component (/boot/vmlinuz-* finds /boot/vmlinuz-6.1.0-50-686), so a
 * recipe does not have to name a version that changes with every Debian kernel upload.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every absolute path under `root` that `pattern` (absolute inside the package) matches, sorted. */
export async function matchInPackage(root: string, pattern: string): Promise<string[]> {
  let found = [root];
  for (const part of pattern.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const dir of found) {
      if (!part.includes('*')) {
        if (await exists(join(dir, part))) next.push(join(dir, part));
        continue;
      }
      const re = new RegExp('^' + part.split('*').map(escape).join('.*') + '$');
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names.sort()) if (re.test(n)) next.push(join(dir, n));
    }
    found = next;
  }
  return found;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
