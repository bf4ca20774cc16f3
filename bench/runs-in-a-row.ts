/**
 * The proof that a flow is not flaky: one scenario run N times in a row on one backend, each a
 * fresh `bootgate run` under CI=1 (no golden written), with its outcome, wall time and, for a
 * failure, the step, the message and its report folder (kept; a pass's is removed). Prints the
 * tally and the times, writes them to
 * bench-results/runs-in-a-row-<scenario>-<backend>.json, and exits 1 unless every run passed.
 * Too long for `npm run bench` (the graphical installer takes about a minute a run): run it by
 * hand when a GUI flow or the waits it relies on changed.
 *
 *   node dist/bench/runs-in-a-row.js --scenario scenarios/debian-installer/installer-gtk-french.yaml [--runs 10] [--backend qemu] [--profile P]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../harness/util/project-root.js';
import { backendOption, numberOption, writeFigures } from './bench-options.js';
import { measure, median } from './process-tree.js';

const at = process.argv.indexOf('--scenario');
if (at < 0 || !process.argv[at + 1]) throw new Error('give --scenario FILE');
const scenario = resolve(process.argv[at + 1]!);
const runs = numberOption('--runs', 10);
const backend = backendOption();
const profileAt = process.argv.indexOf('--profile');
const profile = profileAt < 0 ? undefined : process.argv[profileAt + 1];
if (profileAt >= 0 && !profile) throw new Error('give --profile NAME');
const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };

interface Run {
  readonly run: number;
  readonly outcome: string;
  readonly wallMs: number;
  readonly failedStep?: string;
  readonly error?: string;
  readonly report?: string;
}

async function once(run: number): Promise<Run> {
  const reportDir = mkdtempSync(join(tmpdir(), 'bench-runs-'));
  let passed = false;
  try {
    const m = await measure(join(PROJECT_ROOT, 'bin/bootgate'), ['run', scenario, '--backend', backend, ...(profile ? ['--profile', profile] : []), '--jobs', '1', '--report-dir', reportDir], env);
    const job = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')).jobs[0] as {
      outcome: string;
      error?: { message: string };
      phases: { steps: { description: string; outcome: string }[] }[];
    };
    passed = job.outcome === 'passed';
    const failed = job.phases.flatMap((p) => p.steps).find((s) => s.outcome === 'failed');
    return {
      run,
      outcome: job.outcome,
      wallMs: m.wallMs,
      ...(failed ? { failedStep: failed.description } : {}),
      ...(job.error ? { error: job.error.message } : {}),
      ...(passed ? {} : { report: reportDir }),
    };
  } finally {
    if (passed) rmSync(reportDir, { recursive: true, force: true });
  }
}

const results: Run[] = [];
for (let run = 1; run <= runs; run++) {
  const r = await once(run);
  results.push(r);
  console.log(`run ${run}/${runs}: ${r.outcome} in ${(r.wallMs / 1000).toFixed(1)} s${r.failedStep ? ` at "${r.failedStep}": ${r.error}` : ''}${r.report ? ` (report: ${r.report})` : ''}`);
}
const passed = results.filter((r) => r.outcome === 'passed').length;
const times = results.map((r) => r.wallMs);
const figures = {
  scenario: basename(scenario),
  backend,
  ...(profile ? { profile } : {}),
  runs,
  passed,
  medianWallMs: Math.round(median(times)),
  minWallMs: Math.round(Math.min(...times)),
  maxWallMs: Math.round(Math.max(...times)),
  results,
};
console.log(`${passed} of ${runs} passed; wall time median ${(figures.medianWallMs / 1000).toFixed(1)} s (${(figures.minWallMs / 1000).toFixed(1)}–${(figures.maxWallMs / 1000).toFixed(1)} s)`);
console.log(`figures: ${writeFigures(`runs-in-a-row-${basename(scenario, '.yaml')}-${backend}${profile ? `-${profile}` : ''}`, figures)}`);
process.exitCode = passed === runs ? 0 : 1;
