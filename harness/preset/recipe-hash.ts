/**
 * The cache key of a preset's image: sha256 over what of preset.yaml makes the image (its name,
 * image and recipe, as parsed), every file it references, the builder's version and the Debian
 * package versions resolved for this build. Any change to the recipe, to a referenced file, to the
 * builder or a new Debian version gives a new hash; a change to what the gate checks (phases,
 * budgets, profiles) or to a comment builds nothing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedPreset } from './load-preset.js';
import { BUILDER_VERSION } from './builder-version.js';

export interface ResolvedPackage {
  readonly name: string;
  /** Debian architecture as fetched: `i386`, or `all`. */
  readonly arch: string;
  readonly version: string;
  /** For a followed metapackage (`follow: depends`): the metapackage as `name=version`. */
  readonly via?: string;
}

export interface RecipeInputs {
  /** What of preset.yaml makes the image, serialised (recipeOf). */
  readonly recipe: string;
  /** Files the recipe references, by path relative to the preset folder. */
  readonly files: ReadonlyMap<string, Uint8Array | string>;
  readonly packages: readonly ResolvedPackage[];
  readonly builderVersion: string;
}

/** Pure: the same inputs always give the same hex digest, whatever order files and packages come in. */
export function recipeHash(inputs: RecipeInputs): string {
  const lines = ['bootgate-recipe-hash/2', `builder ${inputs.builderVersion}`, `recipe ${sha256(inputs.recipe)}`];
  for (const path of [...inputs.files.keys()].sort()) lines.push(`file ${JSON.stringify(path)} ${sha256(inputs.files.get(path)!)}`);
  for (const p of [...inputs.packages].map(packageId).sort()) lines.push(`package ${p}`);
  return sha256(lines.join('\n') + '\n');
}

/** Reads the preset's files and hashes them with the resolved packages and this builder's version. */
export async function hashPreset(loaded: LoadedPreset, packages: readonly ResolvedPackage[]): Promise<string> {
  const files = new Map<string, Uint8Array>();
  for (const rel of loaded.sources) files.set(rel, await readFile(join(loaded.dir, rel)));
  return recipeHash({ recipe: recipeOf(loaded), files, packages, builderVersion: BUILDER_VERSION });
}

/** The parts of a preset that make its image, defaults filled in. */
export function recipeOf({ preset }: LoadedPreset): string {
  return JSON.stringify({ name: preset.name, image: preset.image, recipe: preset.recipe });
}

export function packageId(p: ResolvedPackage): string {
  return `${p.name}:${p.arch}=${p.version}${p.via ? ` via ${p.via}` : ''}`;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
