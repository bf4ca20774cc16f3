/**
 * A stack trace with its frames in bootgate's compiled JavaScript mapped back to the TypeScript
 * lines (harness/…ts) through the source maps next to it. The map is read only when an internal
 * error is formatted: Node's --enable-source-maps would parse the bundle's 2.6 MB map on every
 * start, a cost every `bootgate` command would pay for a stack that is almost never printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const maps = new Map<string, SourceMap | undefined>();

export function sourceStack(stack: string): string {
  return stack.replace(/(file:\/\/\/[^\s():]+\.js|\/[^\s():]+\.js):(\d+):(\d+)/g, (frame, file: string, line: string, column: string) => {
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    const entry = mapOf(path)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) return frame;
    const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : resolve(dirname(path), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function mapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      // An unreadable map leaves the frame as it is.
    }
    maps.set(file, map);
  }
  return maps.get(file);
}
