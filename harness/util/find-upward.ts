import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest `name` in `startDir` or one of its ancestors, if any. */
export function findUpward(startDir: string, name: string): string | undefined {
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
