/** The results document on disk; written atomically so a reader never sees half a file. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { RunResult } from './results.js';

export function writeResults(run: RunResult, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(run, null, 2)}\n`);
  renameSync(tmp, file);
}

export function readResults(file: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`not a readable results file (${(e as Error).message.split('\n')[0]})`, { file });
  }
  if (typeof data !== 'object' || data === null || (data as { version?: unknown }).version !== 1 || !Array.isArray((data as { jobs?: unknown }).jobs)) {
    throw new ConfigError('not a bootgate results file (version 1 with jobs)', { file, field: 'version' });
  }
  return data as RunResult;
}
