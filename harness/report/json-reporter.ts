/** The results document on disk; written atomically so a reader never sees half a file. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { RunResult } from '../model/results.js';

export function writeResults(run: RunResult, file: string): void {
  writeFileAtomic(file, `${JSON.stringify(run, null, 2)}\n`);
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
