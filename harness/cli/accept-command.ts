/**
 * `bootgate accept <report-dir>`: makes the frames a run left for review the goldens, without
 * booting again. Every step that did not match its golden, or had none, recorded which golden
 * file its frame belongs in (results.json, `goldens`); this copies the chosen ones into place:
 * the frame the difference was measured on for a whole-screen golden, and for a region golden
 * the golden with its areas' pixels taken from where they were found (`--whole-frame`: the frame;
 * the sidecar's areas stay where they were recorded either way).
 * Each file is replaced through a temp name and a rename, and every source is checked before
 * the first is copied, so a bad choice changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { containedPath } from '../config/contained-path.js';
import { goldenNameSchema } from '../config/value-schemas.js';
import { ConfigError } from '../errors.js';
import { EXIT } from '../model/outcome.js';
import type { GoldenRecord } from '../model/results.js';
import { readResults } from '../report/json-reporter.js';
import { RESULTS_FILE } from '../report/report-dir.js';
import { goldenFileName } from '../screen/golden-store.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { parseGrep } from './parse-options.js';

export interface AcceptOptions {
  readonly grep?: string;
  /** A step's number (over all phases), its name or description, or the golden's name. */
  readonly step?: string;
  /** For a region golden, the whole frame instead of the old golden with the areas rewritten. */
  readonly wholeFrame?: boolean;
}

/** One golden to accept: the frame from the report and the file it becomes. */
interface Acceptance {
  readonly job: string;
  readonly record: GoldenRecord;
  readonly source: string;
}

export function acceptCommand(reportDir: string, options: AcceptOptions, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  const resultsFile = join(reportDir, RESULTS_FILE);
  if (!existsSync(resultsFile)) throw new ConfigError(`no ${RESULTS_FILE} in ${reportDir}: give the report folder of a run`, { field: 'report-dir' });
  const run = readResults(resultsFile);
  const grep = options.grep ? parseGrep(options.grep) : undefined;
  const chosen: Acceptance[] = [];
  for (const job of run.jobs) {
    if (grep && !grep.test(job.id)) continue;
    for (const step of job.phases.flatMap((p) => p.steps)) {
      for (const record of step.goldens ?? []) {
        if (record.status !== 'mismatch' && record.status !== 'missing') continue;
        if (options.step && ![String(step.index), step.description, record.name].includes(options.step)) continue;
        const [source, field] = record.areas && !options.wholeFrame ? [record.areas, 'goldens.areas'] : [record.actual, 'goldens.actual'];
        chosen.push({ job: job.id, record, source: containedPath(reportDir, [source], { file: resultsFile, field }) });
        // results.json is an artifact anyone may hand over: it names a golden file, never any file.
        if (!goldenNameSchema.safeParse(record.name).success || ![goldenFileName(record.name), goldenFileName(record.name, job.backend)].includes(basename(record.file))) {
          throw new ConfigError(`${record.file} is not where a golden named ${JSON.stringify(record.name)} is kept: this report was not written by bootgate as it is`, { file: resultsFile, field: 'goldens.file' });
        }
      }
    }
  }
  if (chosen.length === 0) {
    throw new ConfigError(`nothing to accept in ${reportDir}${grep || options.step ? ' for these filters' : ''}: no step there missed or mismatched a golden`, { field: options.step ? '--step' : options.grep ? '--grep' : 'report-dir' });
  }
  checkChoice(chosen);
  for (const a of chosen) acceptOne(a);
  for (const a of chosen) write(`accepted ${a.record.name} (${a.job}): ${relative(process.cwd(), a.record.file)}${a.record.areas ? (options.wholeFrame ? ' (the whole frame)' : ' (its areas, from where they were found)') : ''}`);
  write(`${chosen.length} golden${chosen.length === 1 ? '' : 's'} accepted`);
  return EXIT.passed;
}

/** Every frame is there, and no golden file gets two of them. */
function checkChoice(chosen: readonly Acceptance[]): void {
  for (const a of chosen) {
    if (!existsSync(a.source)) throw new ConfigError(`the frame ${a.source} is gone from the report: run again`, { field: 'report-dir' });
  }
  const byFile = new Map<string, string>();
  for (const a of chosen) {
    const other = byFile.get(a.record.file);
    if (other) throw new ConfigError(`${other} and ${a.job} both offer ${a.record.file}: choose one with --grep`, { field: '--grep' });
    byFile.set(a.record.file, a.job);
  }
}

/** The golden's picture; a region golden's sidecar is left as it is. */
function acceptOne(a: Acceptance): void {
  writeFileAtomic(a.record.file, readFileSync(a.source));
}
