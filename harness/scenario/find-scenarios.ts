/** Turns the paths given on the command line into scenario files: files as given, folders searched for *.yaml. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** Folders under a scenario tree that hold other YAML (profiles, goldens' masks) or nothing of ours. */
const SKIP_DIRS = new Set(['node_modules', 'golden-screens', 'vm-configs', '.git', 'dist', 'bootgate-report']);

export function findScenarioFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new ConfigError(`no such file or folder: ${p}`, { field: 'paths' });
    }
    if (isDir) files.push(...walk(abs));
    else files.push(abs);
  }
  if (files.length === 0) throw new ConfigError(`no scenario files (*.yaml) under ${paths.join(', ')}`, { field: 'paths' });
  return [...new Set(files)];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...walk(full));
    } else if (/\.ya?ml$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}
