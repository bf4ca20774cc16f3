/**
 * The imports between the folders of harness/, type-only ones included: a type import ties two
 * folders together as much as a value import does, though the compiler erases it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One relative import that crosses from one folder to another, e.g. run/run-attempt.ts -> ../budget/guest-time.js. */
export interface FolderImport {
  readonly from: string;
  readonly to: string;
  readonly file: string;
  readonly specifier: string;
}

const SOURCE = /\.(ts|mts|js|mjs)$/;
// Static imports and re-exports (`from '...'`), side-effect imports and dynamic import().
const SPECIFIER = /\bfrom\s+['"](\.[^'"]+)['"]|\bimport\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The top folder of `path` under `root`, or '' for a file directly in `root` (such as errors.ts). */
function folderOf(root: string, path: string): string {
  const parts = relative(root, path).split(sep);
  return parts.length > 1 ? parts[0]! : '';
}

/** Every import under `root` whose file and target lie in different top folders; `''` names `root` itself. */
export function folderImports(root: string): FolderImport[] {
  const found: FolderImport[] = [];
  for (const file of sourceFiles(root)) {
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = (m[1] ?? m[2] ?? m[3])!;
      const target = resolve(dirname(file), specifier);
      if (relative(root, target).startsWith('..')) continue;
      const from = folderOf(root, file);
      const to = folderOf(root, target);
      if (from !== to) found.push({ from, to, file: relative(root, file), specifier });
    }
  }
  return found;
}

/** Groups of folders that import each other in a circle (strongly connected components of two or more). */
export function folderCycles(imports: readonly FolderImport[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    if (!edges.has(i.from)) edges.set(i.from, new Set());
    edges.get(i.from)!.add(i.to);
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
