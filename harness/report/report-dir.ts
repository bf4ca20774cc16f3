/**
 * The report folder is bootgate's to rewrite, but only if it is one: a folder that exists, is
 * not empty and has no results.json was not made by us, and we refuse to delete anything in it.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

export const RESULTS_FILE = 'results.json';

export function prepareReportDir(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(RESULTS_FILE)) {
      throw new ConfigError(`${dir} exists and is not a bootgate report folder (no ${RESULTS_FILE}); choose another --report-dir`, { field: '--report-dir' });
    }
    for (const name of ['jobs', RESULTS_FILE, 'junit.xml', 'index.html']) rmSync(join(dir, name), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
}
