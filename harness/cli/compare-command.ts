/** `bootgate compare <baseline> <results>`: prints what moved and exits 1 when something regressed. */
import { compareResults, type Change, type Comparison } from '../budget/compare-results.js';
import { readResults } from '../report/json-reporter.js';
import type { RunResult } from '../model/results.js';
import { EXIT } from '../model/outcome.js';
import { ConfigError } from '../errors.js';

export function compareCommand(baselineFile: string, resultsFile: string, options: { tolerance: string; all?: boolean }, write = (l: string) => process.stdout.write(`${l}\n`)): number {
  const comparison = compareResults(readResults(baselineFile), readResults(resultsFile), parseTolerance(options.tolerance));
  printComparison(comparison, write, options.all ?? false);
  return comparison.failed ? EXIT.failed : EXIT.passed;
}

/** Compares a run just made with a baseline file (run --baseline). */
export function compareWithBaseline(run: RunResult, baseline: RunResult, tolerance: number, write: (l: string) => void): Comparison {
  const comparison = compareResults(baseline, run, tolerance);
  printComparison(comparison, write, false);
  return comparison;
}

export function parseTolerance(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!m) throw new ConfigError(`--tolerance must be a percentage such as 10% or a fraction such as 0.1, got "${text}"`, { field: '--tolerance' });
  return Number(m[1]) / (m[2] ? 100 : 1);
}

function printComparison(comparison: Comparison, write: (l: string) => void, all: boolean): void {
  const shown = comparison.changes.filter((c) => all || c.level !== 'ok');
  write(shown.length ? 'level  job / figure: before → after' : 'nothing moved past the tolerance');
  for (const c of shown) write(`${c.level.toUpperCase().padEnd(6)} ${c.job} / ${c.figure}: ${fmt(c, c.before)} → ${fmt(c, c.after)}${c.growth !== undefined ? ` (${c.growth >= 0 ? '+' : ''}${(c.growth * 100).toFixed(1)} %)` : ''}`);
  write(`${comparison.failed ? 'regression' : 'no regression'}; ${comparison.warnings} warning(s)`);
}

function fmt(c: Change, value: number | string | undefined): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (c.unit === 'bytes') return `${(value / 1048576).toFixed(2)} MiB`;
  if (c.unit === 'ms') return `${(value / 1000).toFixed(2)} s`;
  return `${value} ${c.unit ?? ''}`.trim();
}
