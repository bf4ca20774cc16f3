/** Where presets live: the project's presets/, or the nearest presets/ above a scenario, or a folder given by path. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { findUpward } from '../util/find-upward.js';
import { PRESET_FILE, PROJECT_PRESETS } from './load-preset.js';

export function projectPresetNames(): string[] {
  if (!existsSync(PROJECT_PRESETS)) return [];
  return readdirSync(PROJECT_PRESETS).filter((n) => existsSync(join(PROJECT_PRESETS, n, PRESET_FILE))).sort();
}

/** A preset named on the command line: a folder, or a name in the project's presets/. */
export function presetDirFromArg(arg: string): string {
  for (const dir of [resolve(arg), join(PROJECT_PRESETS, arg)]) if (existsSync(join(dir, PRESET_FILE))) return dir;
  throw new ConfigError(`no preset "${arg}" (known: ${projectPresetNames().join(', ') || 'none'})`, { field: 'preset' });
}

/** The preset a scenario names: the nearest presets/ above the scenario, else the project's. */
export function findPresetDir(name: string, fromDir: string): string | undefined {
  for (const root of [findUpward(fromDir, 'presets'), PROJECT_PRESETS]) {
    if (root && existsSync(join(root, name, PRESET_FILE))) return join(root, name);
  }
  return undefined;
}
