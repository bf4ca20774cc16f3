/**
 * Finds and loads a preset: presets/<name>/preset.yaml, validated, with every file it
 * references resolved and checked to exist inside the preset folder.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.js';
import { readYamlFile } from '../config/yaml-file.js';
import { PROJECT_ROOT } from '../util/project-root.js';
import { presetSchema, type Preset } from './preset-schema.js';

export const PRESET_FILE = 'preset.yaml';
export const PROJECT_PRESETS = join(PROJECT_ROOT, 'presets');

export interface LoadedPreset {
  readonly preset: Preset;
  /** Absolute path of the preset folder. */
  readonly dir: string;
  /** Absolute path of preset.yaml. */
  readonly file: string;
  /** Files of the preset folder the recipe uses, relative to `dir`, sorted. */
  readonly sources: readonly string[];
}

export function loadPreset(presetDir: string): LoadedPreset {
  const dir = resolve(presetDir);
  const file = join(dir, PRESET_FILE);
  const preset = readYamlFile(file, presetSchema);
  if (preset.name !== basename(dir)) {
    throw new ConfigError(`preset "${preset.name}" must live in a folder of the same name, not ${basename(dir)}/`, { file, field: 'name' });
  }
  const sources = new Set<string>();
  preset.recipe.initramfs.files.forEach((f, i) => {
    if (f.source === undefined) return;
    const field = `recipe.initramfs.files.${i}.source`;
    const abs = resolve(dir, f.source);
    const rel = relative(dir, abs);
    if (isAbsolute(f.source) || rel.startsWith('..') || rel === '') {
      throw new ConfigError(`${f.source} must be a file inside the preset folder`, { file, field });
    }
    if (!existsSync(abs) || !statSync(abs).isFile()) throw new ConfigError(`${f.source} not found beside ${PRESET_FILE}`, { file, field });
    sources.add(rel.split(sep).join('/'));
  });
  return { preset, dir, file, sources: [...sources].sort() };
}

/** A preset named on the command line: a folder path, or a name under the project's presets/. */
export function findPresetDir(ref: string, cwd = process.cwd()): string {
  const asPath = resolve(cwd, ref);
  if (existsSync(join(asPath, PRESET_FILE))) return asPath;
  const byName = join(PROJECT_PRESETS, ref);
  if (existsSync(join(byName, PRESET_FILE))) return byName;
  throw new ConfigError(`unknown preset "${ref}" (known: ${listPresetNames().join(', ') || 'none'})`, { field: 'preset' });
}

/** Names of the presets bundled with bootgate (folders of presets/ holding a preset.yaml). */
export function listPresetNames(root = PROJECT_PRESETS): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, PRESET_FILE)))
    .map((d) => d.name)
    .sort();
}
