/** The bootgate checkout itself: where the bundled vm-configs, scenarios and goldens live. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  // Works from harness/ (vitest, TS sources) and from dist/harness/ (compiled).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'bootgate') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bootgate package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot();
