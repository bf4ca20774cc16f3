import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderCycles, folderImports, type FolderImport } from '../support/folder-imports.js';

const HARNESS = join(import.meta.dirname, '../../harness');

/**
 * The folders of harness/, lowest first: a folder imports only from folders in lower layers.
 * '' is harness/ itself (errors.ts, which every folder may throw). A new folder goes in here,
 * in the layer that says what it may use.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['util'], // helpers with no knowledge of bootgate
  [''], // errors.ts
  ['machine', 'config'], // one Machine per emulator; durations, sizes, patterns, YAML loading
  ['screen', 'vm-config'], // golden comparison and storage; machine profiles
  ['text'], // reading the text of a graphical frame (OCR), with boxes
  ['steps'], // one file per step kind: its schema, how it runs, how it is described
  ['scenario'], // the scenario format, built from the step kinds
  ['model'], // job, outcome and results types every folder above reads
  ['budget', 'preset'], // budget checks; reference images built from recipes
  ['run', 'report'], // running jobs; reporters, which read results only
  ['repro', 'bisect'], // a person at the machine of a failed job; the search for the profile difference that breaks a scenario
  ['record'], // a person using the machine in a browser page, their actions written as a scenario
  ['cli'], // the commands
  ['api'], // the typed library face of the commands (`import { run } from 'bootgate'`)
];

const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((f) => [f, layer] as const)));
const describeImport = (i: FolderImport) => `${i.file} imports ${i.specifier}`;

describe('harness/ folders point one way', () => {
  const imports = folderImports(HARNESS);

  it('finds the imports between folders (the check can fail)', () => {
    expect(imports.some((i) => i.from === 'run' && i.to === 'budget' && i.file === join('run', 'run-attempt.ts'))).toBe(true);
    expect(folderCycles([...imports, { from: 'machine', to: 'cli', file: 'machine/x.ts', specifier: '../cli/main.js' }])).not.toEqual([]);
  });

  it('has no import cycles between folders', () => {
    expect(folderCycles(imports)).toEqual([]);
  });

  it('places every folder in a layer', () => {
    const unplaced = [...new Set(imports.flatMap((i) => [i.from, i.to]))].filter((f) => !layerOf.has(f));
    expect(unplaced, 'add the folder to LAYERS in this test').toEqual([]);
  });

  it('imports only from lower layers', () => {
    const upward = imports.filter((i) => layerOf.has(i.from) && layerOf.has(i.to) && layerOf.get(i.to)! >= layerOf.get(i.from)!);
    expect(upward.map(describeImport)).toEqual([]);
  });

  it('keeps machine/ free of everything above it but util/ and errors.ts', () => {
    const above = imports.filter((i) => i.from === 'machine' && i.to !== 'util' && i.to !== '');
    expect(above.map(describeImport)).toEqual([]);
  });
});
