/** What `bootgate bisect` prints and writes: a row per try, the answer, and the same as JSON. */
import { formatDuration } from '../config/duration.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { BisectResult, BisectTry } from './run-bisect.js';

export const BISECT_FILE = 'bisect.json';

export function tryLine(t: BisectTry): string {
  const applied = t.end === 'good' ? '(none: the good profile)' : t.end === 'bad' ? `(all ${t.applied.length}: the bad profile)` : t.applied.join(', ');
  return `${String(t.n).padStart(3)}  ${t.verdict.padEnd(10)} ${formatDuration(t.durationMs).padStart(7)}  ${applied}${t.verdict === 'fail' && t.kind ? `  [${t.kind}${t.error ? `: ${t.error.slice(0, 160)}` : ''}]` : ''}`;
}

export function bisectSummary(result: BisectResult): string[] {
  const lines = [`${result.tries.length} tries in ${formatDuration(result.wallMs)} (${result.differences.length} differences between ${result.good} and ${result.bad})`];
  if (result.problem) return [...lines, `no answer: ${result.problem}`];
  lines.push(`smallest failing set: ${result.smallest!.join(' + ')}`);
  const others = (result.failsAlone ?? []).filter((d) => !result.smallest!.includes(d));
  if (others.length) lines.push(`also fails alone: ${others.join('; ')}`);
  const floor = result.ramFloor;
  if (floor) lines.push(floor.floorMiB !== undefined ? `with memory the only change left, it passes from ${floor.floorMiB} MiB up` : `RAM floor not found: ${floor.problem}`);
  return lines;
}

/** bisect.json: the answer and every try, without the job results (results.json holds those). */
export function writeBisectJson(result: BisectResult, file: string): void {
  const { jobs: _jobs, ...rest } = result;
  writeFileAtomic(file, `${JSON.stringify({ version: 1, ...rest }, null, 2)}\n`);
}
