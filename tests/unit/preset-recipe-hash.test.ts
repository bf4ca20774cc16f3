import { cpSync, mkdtempSync, rmSync, appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPreset, PROJECT_PRESETS } from '../../harness/preset/load-preset.js';
import { hashPreset, recipeHash, type RecipeInputs, type ResolvedPackage } from '../../harness/preset/recipe-hash.js';

const packages: ResolvedPackage[] = [
  { name: 'busybox-static', arch: 'i386', version: '1:1.35.0-4+deb12u1+b1' },
  { name: 'isolinux', arch: 'all', version: '3:6.04~git20190206.bf6db5b4+dfsg1-3' },
];
const base: RecipeInputs = {
  recipe: '{"name":"x"}',
  files: new Map([
    ['init', '#!/bin/sh\n'],
    ['etc/profile', 'echo ready\n'],
  ]),
  packages,
  builderVersion: 'preset-builder/1',
};

describe('recipeHash', () => {
  it('is a sha256 hex digest, stable for the same inputs', () => {
    expect(recipeHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(recipeHash(base)).toBe(recipeHash({ ...base, files: new Map(base.files), packages: [...packages] }));
  });

  it('does not depend on the order files and packages are listed in', () => {
    const reordered = { ...base, files: new Map([...base.files].reverse()), packages: [...packages].reverse() };
    expect(recipeHash(reordered)).toBe(recipeHash(base));
  });

  it('changes when a referenced file changes, even by a byte', () => {
    expect(recipeHash({ ...base, files: new Map([...base.files, ['init', '#!/bin/sh \n']]) })).not.toBe(recipeHash(base));
  });

  it('changes when a file is renamed, added or removed', () => {
    const renamed = new Map([...base.files].map(([k, v]) => [k === 'init' ? 'init2' : k, v] as const));
    expect(recipeHash({ ...base, files: renamed })).not.toBe(recipeHash(base));
    expect(recipeHash({ ...base, files: new Map([...base.files, ['extra', '']]) })).not.toBe(recipeHash(base));
    expect(recipeHash({ ...base, files: new Map([...base.files].slice(1)) })).not.toBe(recipeHash(base));
  });

  it('changes when Debian has a new version of a package', () => {
    const newer = packages.map((p) => (p.name === 'busybox-static' ? { ...p, version: '1:1.35.0-4+deb12u2' } : p));
    expect(recipeHash({ ...base, packages: newer })).not.toBe(recipeHash(base));
  });

  it('changes with the architecture of a package, the recipe and the builder version', () => {
    expect(recipeHash({ ...base, packages: [{ ...packages[0]!, arch: 'amd64' }, packages[1]!] })).not.toBe(recipeHash(base));
    expect(recipeHash({ ...base, recipe: '{"name":"y"}' })).not.toBe(recipeHash(base));
    expect(recipeHash({ ...base, builderVersion: 'preset-builder/2' })).not.toBe(recipeHash(base));
  });

  it('cannot be fooled by moving bytes between a file name and its contents', () => {
    const a = { ...base, files: new Map([['a', 'b c']]) };
    const b = { ...base, files: new Map([['a b', 'c']]) };
    expect(recipeHash(a)).not.toBe(recipeHash(b));
  });
});

describe('hashPreset on a preset folder', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bootgate-recipe-hash-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  mkdirSync(scratch, { recursive: true });
  const dir = join(scratch, 'mini-shell');
  cpSync(join(PROJECT_PRESETS, 'mini-shell'), dir, { recursive: true });

  it('is stable, and follows edits to preset.yaml and to every file it references', async () => {
    const first = await hashPreset(loadPreset(dir), packages);
    expect(await hashPreset(loadPreset(dir), packages)).toBe(first);

    appendFileSync(join(dir, 'profile'), '# touched\n');
    const afterProfile = await hashPreset(loadPreset(dir), packages);
    expect(afterProfile).not.toBe(first);

    appendFileSync(join(dir, 'init'), '\n');
    const afterInit = await hashPreset(loadPreset(dir), packages);
    expect(afterInit).not.toBe(afterProfile);

    // What the gate checks makes no image: a new budget or a comment builds nothing.
    const file = join(dir, 'preset.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/ramMiB: \d+/, 'ramMiB: 999') + '# a comment\n');
    expect(await hashPreset(loadPreset(dir), packages)).toBe(afterInit);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/commandLine: /, 'commandLine: quiet '));
    expect(await hashPreset(loadPreset(dir), packages)).not.toBe(afterInit);
  });

  it('ignores files in the folder that the recipe does not reference', async () => {
    const before = await hashPreset(loadPreset(dir), packages);
    appendFileSync(join(dir, 'NOTES.txt'), 'not part of the image\n');
    expect(await hashPreset(loadPreset(dir), packages)).toBe(before);
  });
});
