/**
 * Finds and loads machine profiles. A name is looked up in the nearest vm-configs/ above the
 * scenario, then in the project's; a value ending in .yaml is a path relative to the scenario.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { profileSchema } from './profile-schema.js';
import { readYamlFile } from '../config/yaml-file.js';
import { ConfigError } from '../errors.js';
import type { Profile } from '../machine/profile.js';
import { findUpward } from '../util/find-upward.js';
import { PROJECT_ROOT } from '../util/project-root.js';

export const PROJECT_VM_CONFIGS = join(PROJECT_ROOT, 'vm-configs');

export function loadProfileFile(file: string): Profile {
  const data = readYamlFile(file, profileSchema);
  const { memory, ...rest } = data;
  return { name: basename(file).replace(/\.ya?ml$/, ''), memoryMiB: memory, ...rest };
}

/** Resolves a profile reference from a scenario (or the command line) to a loaded profile. */
export function resolveProfile(ref: string, fromDir: string, context: { file?: string; field?: string } = {}): Profile {
  if (/\.ya?ml$/.test(ref)) return loadProfileFile(resolve(fromDir, ref));
  const dirs = [findUpward(fromDir, 'vm-configs'), PROJECT_VM_CONFIGS].filter((d): d is string => !!d);
  for (const dir of dirs) {
    const file = join(dir, `${ref}.yaml`);
    if (existsSync(file)) return loadProfileFile(file);
  }
  const known = listProfileNames(dirs);
  throw new ConfigError(`unknown machine profile "${ref}" (known: ${known.join(', ')})`, { field: 'profile', ...context });
}

export function listProfileNames(dirs: readonly string[] = [PROJECT_VM_CONFIGS]): string[] {
  const names = new Set<string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.yaml')) names.add(f.slice(0, -5));
  }
  return [...names].sort();
}

export function loadAllProfiles(dir = PROJECT_VM_CONFIGS): Profile[] {
  return listProfileNames([dir]).map((n) => loadProfileFile(join(dir, `${n}.yaml`)));
}

