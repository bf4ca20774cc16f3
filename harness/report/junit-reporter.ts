/** JUnit XML, the one format every CI system reads: a suite per scenario, a test case per backend × profile. */
import { budgetText, guestTimeText } from './phase-times.js';
import { formatDuration } from '../config/duration.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { groupByScenario, whereItFailed } from './cross-backend.js';
import type { JobResult, RunResult } from '../model/results.js';
import { holdsGate } from '../model/outcome.js';
import { resetsText } from './phase-times.js';
import { cachedText } from './cached-text.js';

const INCOMPLETE = 'written while the run went on, which ended before this report was final (killed): jobs without a verdict say interrupted';

export function writeJunit(run: RunResult, file: string): void {
  writeFileAtomic(file, renderJunit(run));
}

export function renderJunit(run: RunResult): string {
  const bySuite = new Map<string, JobResult[]>();
  const verdicts = new Map<string, string[]>();
  for (const row of groupByScenario(run.jobs)) {
    bySuite.set(row.scenario, [...(bySuite.get(row.scenario) ?? []), ...row.jobs]);
    if (run.incomplete && !verdicts.has(row.scenario)) verdicts.set(row.scenario, [`      <property name="incomplete" value="${INCOMPLETE}"/>`]);
    if (row.verdict) verdicts.set(row.scenario, [...(verdicts.get(row.scenario) ?? []), `      <property name="across emulators on ${esc(row.profile)}" value="${esc(row.verdict)}"/>`]);
  }
  const suites = [...bySuite.entries()].map(([name, jobs]) => {
    const count = (pred: (j: JobResult) => boolean) => jobs.filter(pred).length;
    const time = jobs.reduce((t, j) => t + j.durationMs, 0) / 1000;
    return [
      `  <testsuite name="${esc(name)}" tests="${jobs.length}" failures="${count((j) => j.outcome === 'failed')}" errors="${count((j) => j.outcome === 'infra-error' || j.outcome === 'config-error' || j.outcome === 'interrupted')}" skipped="${count((j) => j.outcome === 'skipped' || j.outcome === 'expected-failure' || j.outcome === 'cached')}" time="${time.toFixed(3)}">`,
      ...(verdicts.has(name) ? ['    <properties>', ...verdicts.get(name)!, '    </properties>'] : []),
      ...jobs.map(testCase),
      '  </testsuite>',
    ].join('\n');
  });
  const total = run.jobs.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bootgate" tests="${total}" time="${(run.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function testCase(job: JobResult): string {
  const open = `    <testcase classname="${esc(job.scenario.name)}" name="${esc(`${job.backend} ${job.profile}`)}" file="${esc(job.scenario.file)}" time="${(job.durationMs / 1000).toFixed(3)}">`;
  const message = job.error ? `${job.error.type}${whereItFailed(job)}: ${job.error.message}` : '';
  const body: string[] = [];
  const properties = [...phaseProperties(job), ...jobProperties(job)].map(([name, value]) => `<property name="${esc(name)}" value="${esc(value)}"/>`);
  switch (job.outcome) {
    case 'failed':
      // The kind of failure (stall, timeout, reset-loop ...) is what a dashboard counts by; the message names the error type.
      body.push(`      <failure type="${esc(job.error?.kind ?? job.error?.type ?? 'failed')}" message="${esc(firstLine(message))}">${esc(message)}</failure>`);
      break;
    case 'infra-error':
    case 'config-error':
    case 'interrupted':
      body.push(`      <error type="${esc(job.outcome)}" message="${esc(firstLine(message))}">${esc(message)}</error>`);
      break;
    case 'skipped':
      body.push(`      <skipped message="${esc(firstLine(job.error?.message ?? 'skipped'))}"/>`);
      break;
    case 'expected-failure':
      body.push(`      <skipped message="${esc(`expected failure: ${job.expectedReason ?? ''}`)}"/>`);
      break;
    case 'cached':
      // JUnit has no reused verdict: it did not run now, so it is skipped, saying what it was and when.
      properties.unshift(`<property name="cached" value="${esc(`${job.cached?.verdict ?? ''} on ${job.cached?.startedAt ?? ''}`)}"/>`);
      body.push(`      <skipped message="${esc(job.cached ? cachedText(job.cached) : 'cached')}"/>`);
      break;
    case 'flaky':
      properties.unshift(`<property name="flaky" value="passed on attempt ${job.attempts.length}"/>`);
      // Each attempt's evidence has its own folder: name it, so the failed try can be found.
      job.attempts.forEach((a, i) => {
        const evidence = Object.values(a.artifacts ?? {}).join(' ');
        properties.push(`<property name="attempt ${i + 1}" value="${esc(`${a.outcome}${a.error ? `: ${a.error.type}: ${firstLine(a.error.message)}` : ''}${evidence ? ` (${evidence})` : ''}`)}"/>`);
      });
      break;
    case 'passed':
      break;
  }
  if (properties.length) body.unshift(`      <properties>${properties.join('')}</properties>`);
  const artifacts = Object.entries(job.artifacts).map(([k, v]) => `${k}: ${v}`).join('\n');
  if (artifacts) body.push(`      <system-out>${esc(artifacts)}</system-out>`);
  return [open, ...body, '    </testcase>'].join('\n');
}

/** Each phase that ran: wall time, guest time, and their budgets, as `formatDuration` writes them. */
function phaseProperties(job: JobResult): [string, string][] {
  return job.phases.flatMap((p): [string, string][] => {
    const ran = p.outcome === 'passed' || p.outcome === 'failed';
    return [
      ...(ran ? [[`wall time of ${p.name}`, formatDuration(p.durationMs)] as [string, string]] : []),
      ...(p.budgetMs !== undefined ? [[`wall budget of ${p.name}`, formatDuration(p.budgetMs)] as [string, string]] : []),
      ...(p.guest ? [[`guest time of ${p.name}`, `${guestTimeText(p.guest)} (${p.guest.instructions} instructions)`] as [string, string]] : []),
      ...(p.guestBudget ? [[`guest budget of ${p.name}`, budgetText({ ...p, budgetMs: undefined })] as [string, string]] : []),
    ];
  });
}

/** Memory the job got, what the emulator used, and the RAM floor when `ram-floor` found one. */
function jobProperties(job: JobResult): [string, string][] {
  const floor = job.ramFloor;
  return [
    ...(job.error?.kind && !holdsGate(job.outcome) ? [['failure kind', job.error.kind] as [string, string]] : []),
    ['memory', `${job.memoryMiB} MiB`],
    ...(job.guestResets ? [['guest resets', resetsText(job.guestResets)] as [string, string]] : []),
    ...(job.host.peakRssBytes ? [['emulator peak RSS', `${(job.host.peakRssBytes / 1048576).toFixed(0)} MiB`] as [string, string]] : []),
    ...(floor ? [['RAM floor', floor.floorMiB !== undefined ? `${floor.floorMiB} MiB` : (floor.problem ?? 'not found')] as [string, string]] : []),
  ];
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function esc(text: string): string {
  // XML 1.0 forbids most control characters even escaped; serial logs are full of them.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
