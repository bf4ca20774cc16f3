/**
 * What every benchmark takes and leaves: `--backend qemu|v86`, numeric options with defaults,
 * and its figures as JSON in bench-results/ (outside git).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/util/project-root.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

export function backendOption(): 'qemu' | 'v86' {
  const backend = option('--backend') ?? 'qemu';
  if (backend !== 'qemu' && backend !== 'v86') throw new Error(`--backend must be qemu or v86, got ${backend}`);
  return backend;
}

/** A positive number, or `fallback` when the option is absent or not one. */
export function numberOption(name: string, fallback: number): number {
  return Number(option(name) ?? fallback) || fallback;
}

/** Writes bench-results/<name>.json and returns that path, relative to the project. */
export function writeFigures(name: string, figures: unknown): string {
  const file = `bench-results/${name}.json`;
  mkdirSync(join(PROJECT_ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(PROJECT_ROOT, file), `${JSON.stringify(figures, null, 2)}\n`);
  return file;
}
