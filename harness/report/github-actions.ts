/**
 * What a run shows on GitHub Actions: each failure as an annotation on the scenario line of the
 * step that failed (so it appears in the pull request's diff view), and a Markdown summary on
 * the run's page: the gate table per preset (or per run), then each failure with its error and
 * the names of its actual/expected/diff images, then the flaky jobs.
 */
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { cachedText } from './cached-text.js';
import { formatDuration } from '../config/duration.js';
import { holdsGate } from '../model/outcome.js';
import { whereItFailed } from './cross-backend.js';
import { resetsText } from './phase-times.js';
import type { JobResult, RunResult, StepResult } from '../model/results.js';

/** A table of the summary: a preset's jobs with its verdict and budgets, or all jobs of a run. */
export interface SummaryGroup {
  readonly title: string;
  readonly note?: string;
  readonly jobs: readonly JobResult[];
}

export function onGithubActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/** Writes the annotations to stdout (where the runner reads them) and appends the summary to $GITHUB_STEP_SUMMARY when set. */
export function reportToGithub(run: RunResult, groups: readonly SummaryGroup[], write: (line: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  const root = env.GITHUB_WORKSPACE || process.cwd();
  for (const line of githubAnnotations(run, root)) write(line);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, githubSummary(run, groups, root));
}

/** `::error file=…,line=…,title=…::message` per job that broke the gate, `::warning` per flaky job. */
export function githubAnnotations(run: RunResult, root: string): string[] {
  return run.jobs.flatMap((job) => {
    if (job.outcome === 'flaky') {
      const tries = job.attempts.slice(0, -1).map((a) => `${a.outcome}${a.error ? ` (${a.error.type}: ${firstLine(a.error.message)})` : ''}`);
      return [annotation('warning', job, root, `${job.id} is flaky: passed on attempt ${job.attempts.length} after ${tries.join(', ')}`)];
    }
    if (holdsGate(job.outcome)) return [];
    const message = job.error ? `${job.error.type}${whereItFailed(job)}: ${job.error.message}` : job.outcome;
    return [annotation('error', job, root, message)];
  });
}

/** A flaky job's final phases are those of its passing attempt: it is annotated where its first failed attempt failed. */
function annotation(level: 'error' | 'warning', job: JobResult, root: string, message: string): string {
  const step = job.outcome === 'flaky' ? job.attempts.find((a) => a.failedStep)?.failedStep : failedStep(job);
  const file = step?.source?.file ?? job.scenario.file;
  const where = [file ? `file=${property(relative(root, file))}` : '', step?.source ? `line=${step.source.line}` : '', `title=${property(`${job.id}: ${job.outcome}`)}`];
  return `::${level} ${where.filter(Boolean).join(',')}::${data(message)}`;
}

function failedStep(job: JobResult): Pick<StepResult, 'source'> | undefined {
  for (const phase of job.phases) {
    const step = phase.steps.find((s) => s.outcome === 'failed');
    if (step) return step;
  }
  return undefined;
}

/** `root`: file names are written relative to it (the workspace), as in the annotations. */
export function githubSummary(run: RunResult, groups: readonly SummaryGroup[], root: string): string {
  const counts = Object.entries(run.summary.counts).filter(([, n]) => n > 0).map(([o, n]) => `${n} ${o}`).join(', ');
  const lines = [`## bootgate: ${counts || 'no jobs'}, exit code ${run.summary.exitCode}`, '', `${formatDuration(run.durationMs)}${run.shard ? `, shard ${run.shard.index}/${run.shard.total}` : ''}`, ''];
  for (const group of groups) lines.push(...gateTable(group), '');
  const broken = run.jobs.filter((j) => !holdsGate(j.outcome));
  if (broken.length) {
    lines.push('### Failures', '');
    for (const job of broken) {
      const step = failedStep(job);
      lines.push(`- **${md(job.id)}**: ${job.outcome}${job.error?.kind ? ` (${job.error.kind})` : ''}${step?.source ? ` at \`${md(relative(root, step.source.file))}:${step.source.line}\`` : ''}`);
      if (job.error) lines.push(`  ${md(`${job.error.type}${whereItFailed(job)}: ${firstLine(job.error.message)}`)}`);
      const images = Object.entries(job.error?.artifacts ?? {}).map(([kind, path]) => `${kind} \`${md(path)}\``);
      if (images.length) lines.push(`  images: ${images.join(', ')}`);
      if (job.guestResets) lines.push(`  guest resets: ${resetsText(job.guestResets)}`);
    }
    lines.push('');
  }
  const flaky = run.jobs.filter((j) => j.outcome === 'flaky');
  if (flaky.length) {
    lines.push('### Flaky', '');
    for (const job of flaky) lines.push(`- **${md(job.id)}**: passed on attempt ${job.attempts.length}; ${job.attempts.slice(0, -1).map((a, i) => `attempt ${i + 1} ${a.outcome}${a.error ? ` (${md(a.error.type)})` : ''}${a.artifacts?.serialLog ? `, \`${md(a.artifacts.serialLog)}\`` : ''}`).join('; ')}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** One row per job: each phase's wall time against its budget (✗ where it failed), emulator memory, verdict. */
function gateTable(group: SummaryGroup): string[] {
  const phases = [...new Set(group.jobs.flatMap((j) => j.phases.map((p) => p.name)))];
  const rows = group.jobs.map((job) => {
    const cells = phases.map((name) => {
      const p = job.phases.find((x) => x.name === name);
      if (!p || p.outcome === 'not-run') return '–';
      if (p.outcome === 'restored') return 'restored';
      const guest = p.guest ? `, guest ${p.guest.exact ? '' : '≈'}${formatDuration(p.guest.ms)}${p.guestBudget?.ms !== undefined ? ` / ${formatDuration(p.guestBudget.ms)}` : ''}` : '';
      return `${formatDuration(p.durationMs)}${p.budgetMs !== undefined ? ` / ${formatDuration(p.budgetMs)}` : ''}${guest}${p.outcome === 'failed' ? ' ✗' : ''}`;
    });
    const rss = job.host.peakRssBytes ? `${(job.host.peakRssBytes / 1048576).toFixed(0)} MiB` : '–';
    return `| ${[job.scenario.name, job.profile, job.backend, ...cells, rss, verdict(job)].map(md).join(' | ')} |`;
  });
  return [
    `### ${md(group.title)}`,
    ...(group.note ? ['', md(group.note)] : []),
    '',
    `| ${['scenario', 'profile', 'backend', ...phases, 'emulator', 'verdict'].map(md).join(' | ')} |`,
    `|${' --- |'.repeat(phases.length + 5)}`,
    ...rows,
  ];
}

function verdict(job: JobResult): string {
  const mark = job.outcome === 'passed' ? '✅' : job.outcome === 'flaky' ? '⚠️' : holdsGate(job.outcome) ? '➖' : '❌';
  if (job.outcome === 'expected-failure') return `${mark} expected failure: ${job.expectedReason ?? ''}`;
  if (job.cached) return `♻️ ${cachedText(job.cached)}`;
  if (job.outcome === 'passed' || job.outcome === 'flaky') return `${mark} ${job.outcome} in ${formatDuration(job.durationMs)}`;
  return `${mark} ${job.outcome}${job.error?.kind ? ` (${job.error.kind})` : ''}${job.error ? `: ${firstLine(job.error.message)}` : ''}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** Table cells and list items: a pipe or a newline would break the Markdown. */
function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The runner's escapes for an annotation's message, and also for its properties. */
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
