/**
 * The report folder is bootgate's to rewrite, but only if it is one: a folder that exists, is not
 * empty and holds anything but a report's own files was not made by us, and we refuse to delete
 * anything in it. A killed run's folder is one of ours (its results.json says incomplete, or a
 * run killed at once left only jobs/): it is replaced, with a note, never refused.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

export const RESULTS_FILE = 'results.json';
const REPORT_ENTRIES = new Set(['jobs', RESULTS_FILE, 'junit.xml', 'index.html']);
/** writeFileAtomic's temp files, which a kill between write and rename leaves behind. */
const TEMP_FILE = /\.\d+\.tmp$/;

/** Empties the report parts of `dir`; returns a note when they were left by a run that was killed. */
export function prepareReportDir(dir: string): string | undefined {
  let note: string | undefined;
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    const ours = entries.filter((e) => REPORT_ENTRIES.has(e) || TEMP_FILE.test(e));
    const killedAtOnce = entries.includes('jobs') && ours.length === entries.length;
    if (entries.length > 0 && !entries.includes(RESULTS_FILE) && !killedAtOnce) {
      throw new ConfigError(`${dir} exists and is not a bootgate report folder (no ${RESULTS_FILE}); choose another --report-dir`, { field: '--report-dir' });
    }
    if (entries.length > 0 && (!entries.includes(RESULTS_FILE) || wasIncomplete(join(dir, RESULTS_FILE)))) {
      note = `${dir} held the incomplete report of a run that was killed before its end; replacing it`;
    }
    for (const name of ours) if (name !== RESULTS_FILE) rmSync(join(dir, name), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  return note;
}

function wasIncomplete(file: string): boolean {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).incomplete === true;
  } catch {
    // Unreadable: only a kill mid-write could leave it so.
    return true;
  }
}
