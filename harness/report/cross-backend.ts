/** Groups jobs by scenario × profile so each scenario shows one row per backend and a one-line verdict across emulators. */
import type { JobResult } from '../model/results.js';

export interface ScenarioRow {
  readonly scenario: string;
  readonly profile: string;
  readonly jobs: readonly JobResult[];
  /** "same outcome on qemu and v86: passed", or which backend failed where; undefined for a single backend. */
  readonly verdict?: string;
}

export function groupByScenario(jobs: readonly JobResult[]): ScenarioRow[] {
  const groups = new Map<string, JobResult[]>();
  for (const job of jobs) {
    const key = `${job.scenario.name}\u0000${job.profile}`;
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  return [...groups.values()].map((group) => ({
    scenario: group[0]!.scenario.name,
    profile: group[0]!.profile,
    jobs: group,
    ...(group.length > 1 ? { verdict: crossVerdict(group) } : {}),
  }));
}

function crossVerdict(group: readonly JobResult[]): string {
  const backends = group.map((j) => j.backend).join(' and ');
  const outcomes = new Set(group.map((j) => j.outcome));
  if (outcomes.size === 1) return `same outcome on ${backends}: ${group[0]!.outcome}`;
  return group
    .map((j) => (j.outcome === 'passed' ? `${j.backend} passed` : `${j.backend} ${j.outcome}${whereItFailed(j)}`))
    .join('; ');
}

/** " at boot step 3 (wait for screen menu)" — the first step that did not pass. */
export function whereItFailed(job: JobResult): string {
  for (const phase of job.phases) {
    const step = phase.steps.find((s) => s.outcome === 'failed');
    if (step) return ` at ${phase.name} step ${step.index} (${step.description})`;
  }
  return '';
}
