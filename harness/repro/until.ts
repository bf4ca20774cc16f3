/**
 * `bootgate repro --until STEP`: which step the person wants the machine handed over after, and
 * the scenario cut down to end there. STEP is a 1-based index over every step of every phase (the
 * numbers the report shows), a step's `name`, or a phase's name (after its last step).
 */
import { ConfigError } from '../errors.js';
import type { Job } from '../model/job.js';
import { phasesThrough, type Scenario } from '../scenario/scenario.js';
import { describeStep } from '../steps/run-step.js';

export interface UntilPoint {
  /** 1-based over the whole scenario. */
  readonly index: number;
  /** 0-based phase and step within it. */
  readonly phase: number;
  readonly step: number;
  /** How the point reads in messages: `3 (menu)`. */
  readonly label: string;
}

export function resolveUntil(scenario: Scenario, spec: string): UntilPoint {
  const flat = scenario.phases.flatMap((phase, p) => phase.steps.map((step, s) => ({ phase: p, step: s, name: step.name, description: describeStep(step) })));
  const at = (i: number): UntilPoint => {
    const f = flat[i]!;
    return { index: i + 1, phase: f.phase, step: f.step, label: `${i + 1} (${f.description})` };
  };
  const wanted = spec.trim();
  if (/^\d+$/.test(wanted)) {
    const n = Number(wanted);
    if (n < 1 || n > flat.length) throw new ConfigError(`--until ${wanted}: the scenario has steps 1 to ${flat.length}`, { file: scenario.file, field: '--until' });
    return at(n - 1);
  }
  const byName = flat.findIndex((f) => f.name === wanted);
  if (byName >= 0) return at(byName);
  const phase = scenario.phases.findIndex((p) => p.name === wanted);
  if (phase >= 0 && scenario.phases[phase]!.steps.length > 0) {
    const before = scenario.phases.slice(0, phase + 1).reduce((n, p) => n + p.steps.length, 0);
    return at(before - 1);
  }
  const names = [...flat.flatMap((f) => (f.name ? [f.name] : [])), ...scenario.phases.map((p) => p.name)];
  throw new ConfigError(
    `--until ${JSON.stringify(wanted)}: no step or phase of that name; give a step number (1 to ${flat.length})${names.length ? ` or one of: ${[...new Set(names)].join(', ')}` : ''}`,
    { file: scenario.file, field: '--until' },
  );
}

/** The job with its scenario ending at `until` (a phase cut short loses its budgets). */
export function jobUntil(job: Job, until: UntilPoint): Job {
  return { ...job, scenario: { ...job.scenario, phases: phasesThrough(job.scenario.phases, until.phase, until.step) } };
}
