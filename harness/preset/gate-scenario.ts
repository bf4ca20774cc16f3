/**
 * The scenario that gates a preset, derived from what the preset promises: its phases (markers,
 * checkpoints, failure lines, time budgets), its RAM and size budgets, the profiles it claims and
 * the ones it declares incompatible — those must fail with the kernel's own words as evidence,
 * through a failure pattern, never by timing out.
 */
import { BACKENDS } from '../machine/machine.js';
import type { Phase, Scenario, Step } from '../scenario/scenario.js';
import { literalPattern } from '../config/pattern.js';
import { DEFAULT_FAIL_ON } from '../scenario/load-scenario.js';
import { PROJECT_ROOT } from '../util/project-root.js';
import { join } from 'node:path';
import type { LoadedPreset } from './load-preset.js';

/**
 * A gate's marker waits end after this long without serial output, screen change or CPU work: a
 * preset's boot is never silent and idle that long, and a hang costs 20 s instead of the step's
 * timeout. Phases of steps (clicks on a wizard) wait on input, idle by design: they get none.
 */
const GATE_STALL_MS = 20_000;

/** A step may run over its phase's budget by this much, so a slow phase is reported as over budget (with its time) rather than as a timeout. */
const STEP_TIMEOUT_FACTOR = 1.5;

export function gateScenario(loaded: LoadedPreset): Scenario {
  const { preset } = loaded;
  const phases: Phase[] = preset.phases.map((phase) => {
    const budgets = {
      name: phase.name,
      budgetMs: phase.withinSeconds * 1000,
      ...(phase.guestWithinSeconds !== undefined ? { guestBudget: { ms: phase.guestWithinSeconds * 1000 } } : {}),
    };
    if ('steps' in phase) return { ...budgets, steps: phase.steps };
    const timeout = phase.withinSeconds * 1000 * STEP_TIMEOUT_FACTOR;
    const failOn = phase.failure ? [literalPattern(phase.failure)] : undefined;
    const wait = (text: string, name: string): Step =>
      ({ name, timeout, ...(failOn ? { failOn } : {}), ...(phase.on === 'serial' ? { waitSerial: literalPattern(text) } : { waitText: { text: literalPattern(text), nth: 1 } }) }) as Step;
    return { ...budgets, stallMs: GATE_STALL_MS, steps: [...phase.checkpoints.map((c) => wait(c, `checkpoint: ${c}`)), wait(phase.marker, `marker: ${phase.marker}`)] };
  });
  const incompatible = preset.profiles.incompatible;
  const totalBudgetMs = preset.phases.reduce((t, p) => t + p.withinSeconds * 1000, 0);
  return {
    name: `${preset.name}-gate`,
    file: loaded.file,
    description: preset.description,
    imageFiles: [
      { role: 'cdrom', path: '', preset: preset.name, maxSizeBytes: preset.budgets.imageMiB * 1024 * 1024 },
      ...(preset.media?.disk ? [{ role: 'disk' as const, path: '', blankSizeBytes: preset.media.disk.sizeMiB * 1024 * 1024 }] : []),
    ],
    profiles: [...preset.profiles.claimed, ...incompatible.map((i) => i.profile)],
    memoryMiB: preset.budgets.ramMiB,
    ...(preset.media?.bootOrder ? { bootOrder: preset.media.bootOrder } : {}),
    backends: preset.backends ?? BACKENDS,
    timeoutMs: totalBudgetMs * STEP_TIMEOUT_FACTOR + 60_000,
    stepTimeoutMs: 60_000,
    // The incompatibility evidence only ever shows on an incompatible machine: end its wait at once.
    failOn: [...DEFAULT_FAIL_ON, ...incompatible.map((i) => literalPattern(i.evidence))],
    goldenDir: join(PROJECT_ROOT, 'golden-screens'),
    guestClock: phases.some((p) => p.guestBudget),
    expect: incompatible.map((i) => ({ profile: i.profile, outcome: 'failed' as const, reason: `incompatible: ${i.reason}`, evidence: literalPattern(i.evidence) })),
    exclude: [],
    phases,
  };
}
