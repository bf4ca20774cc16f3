/** Live progress lines while jobs run, then a summary table with one row per backend and the cross-emulator verdict. */
import { dirname, join, relative } from 'node:path';
import type { Job } from '../model/job.js';
import { holdsGate, OUTCOMES, type Outcome } from '../model/outcome.js';
import { formatDuration } from '../config/duration.js';
import { groupByScenario, whereItFailed } from './cross-backend.js';
import { writtenGoldens } from './run-result.js';
import { phaseTimeText, resetsText } from './phase-times.js';
import { cachedText } from './cached-text.js';
import type { JobResult, RunResult } from '../model/results.js';

const SYMBOL: Readonly<Record<Outcome, string>> = {
  passed: 'PASS',
  failed: 'FAIL',
  'infra-error': 'INFRA',
  'config-error': 'CONFIG',
  flaky: 'FLAKY',
  skipped: 'SKIP',
  'expected-failure': 'XFAIL',
  interrupted: 'INTR',
  cached: 'CACHED',
};

export class ConsoleReporter {
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  jobStarted(job: Job, attempt: number): void {
    this.write(`  … ${job.id}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
  }

  jobEnded(result: JobResult): void {
    this.done++;
    const rss = result.host.peakRssBytes ? `, ${mib(result.host.peakRssBytes)} MiB host RSS` : '';
    const kind = result.error?.kind && !holdsGate(result.outcome) ? ` ${result.error.kind}` : '';
    this.write(`${SYMBOL[result.outcome].padEnd(6)} [${this.done}/${this.total}] ${result.id} (${formatDuration(result.durationMs)}${rss})${kind}`);
    if (result.guestResets) this.write(`         guest resets: ${resetsText(result.guestResets)}`);
    if (result.outcome === 'expected-failure') this.write(`         expected: ${result.expectedReason}`);
    if (result.cached) this.write(`         ${cachedText(result.cached)}`);
    for (const warning of result.warnings ?? []) this.write(`         warning: ${warning}`);
    if (result.outcome === 'flaky') {
      for (const [i, a] of result.attempts.slice(0, -1).entries()) {
        const where = a.artifacts?.serialLog ? ` (evidence: ${dirname(a.artifacts.serialLog)}/)` : '';
        this.write(`         attempt ${i + 1} ${a.outcome}${a.error ? `: ${a.error.type}: ${a.error.message.split('\n')[0]}` : ''}${where}`);
      }
    }
    for (const { golden } of writtenGoldens([result])) this.write(`         golden ${golden.status}: ${relative(process.cwd(), golden.file)} (frame: ${golden.actual})`);
    if (result.error && result.outcome !== 'passed' && result.outcome !== 'flaky') {
      this.write(`         ${result.error.type}${whereItFailed(result)}: ${result.error.message.split('\n')[0]}`);
    }
  }

  summary(run: RunResult, reportDir: string): void {
    this.write('');
    this.write('scenario                         profile      backend  outcome           time     phases');
    for (const row of groupByScenario(run.jobs)) {
      for (const job of row.jobs) {
        const phases = `${job.cached ? `${cachedText(job.cached)}: ` : ''}${job.phases.map(phaseTimeText).join(', ')}`;
        this.write(`${row.scenario.padEnd(32)} ${row.profile.padEnd(12)} ${job.backend.padEnd(8)} ${job.outcome.padEnd(17)} ${formatDuration(job.durationMs).padStart(8)} ${phases}`);
      }
      if (row.verdict) this.write(`${''.padEnd(46)}↳ ${row.verdict}`);
    }
    const counts = OUTCOMES.filter((o) => run.summary.counts[o] > 0).map((o) => `${run.summary.counts[o]} ${o}`);
    this.write('');
    this.write(`${counts.join(', ') || 'no jobs'} in ${formatDuration(run.durationMs)}; report: ${relative(process.cwd(), reportDir) || '.'}`);
    // The plain "N passed, N failed" closing line CI systems read: "failed" counts every outcome
    // that breaks the gate (infra and config errors, interrupted jobs too), so the line agrees with the exit code.
    const breaking = OUTCOMES.filter((o) => !holdsGate(o)).reduce((n, o) => n + run.summary.counts[o], 0);
    const cached = run.summary.counts.cached ? `${run.summary.counts.cached} cached, ` : '';
    this.write(`${run.summary.counts.passed + run.summary.counts.flaky} passed, ${cached}${breaking} failed`);
    const written = run.summary.goldensWritten ?? 0;
    if (written > 0) {
      const report = join(relative(process.cwd(), reportDir) || '.', 'index.html');
      this.write(`${written} golden${written === 1 ? '' : 's'} written, review them: ${report}`);
    }
  }
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}
