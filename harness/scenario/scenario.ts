/** A loaded, validated scenario with every path resolved: what the planner and the engine work from. */
import type { BackendName } from '../machine/machine.js';
import type { Media } from '../machine/media.js';
import type { BootDevice } from '../machine/profile.js';
import type { StepData } from '../steps/step-schema.js';
import type { FailScreen } from '../steps/failure-screens.js';
import type { ExclusionData, ExpectationData } from './scenario-schema.js';
import type { Pattern } from '../config/pattern.js';

export type { Pattern } from '../config/pattern.js';
export type Step = StepData;
export type Expectation = ExpectationData;
export type Exclusion = ExclusionData;

export interface Phase {
  readonly name: string;
  /** Wall-clock budget. */
  readonly budgetMs?: number;
  /** Guest-time budget: milliseconds at 4 ns per instruction, and/or instructions (docs/guest-time.md). */
  readonly guestBudget?: GuestBudget;
  /** Stall time of the phase's waits (ms), over the scenario's; false: off. */
  readonly stallMs?: number | false;
  readonly failOnScreen?: readonly FailScreen[];
  readonly steps: readonly Step[];
}

export interface GuestBudget {
  readonly ms?: number;
  readonly instructions?: number;
}

export interface ImageFile {
  readonly role: 'cdrom' | 'floppy' | 'disk' | 'kernel' | 'initrd';
  /** Absolute; empty until a preset image is resolved (built or found in the cache). */
  readonly path: string;
  /** The reference preset whose built image this is. */
  readonly preset?: string;
  /** A blank writable disk of this size, made fresh in the job's temp folder. */
  readonly blankSizeBytes?: number;
  readonly sha256?: string;
  readonly maxSizeBytes?: number;
  /** A disk's declared format; without it, sniffed (qcow2 or raw). */
  readonly format?: 'raw' | 'qcow2';
  /** The folder a disk's backing chain may use files from (the declaring scenario's), when the scenario allows one. */
  readonly backingWithin?: string;
  /** The scenario file that named this image, when it is not the scenario's own (`from:`); preset names resolve from there. */
  readonly declaredIn?: string;
}

/** Where a `from:` scenario starts: another scenario's snapshot point, whose steps come first in `phases`. */
export interface SnapshotStart {
  readonly scenario: string;
  readonly snapshot: string;
  /** The snapshot step, counted from 0 over all of `phases`. */
  readonly afterStep: number;
}

export interface Scenario {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly imageFiles: readonly ImageFile[];
  /** Kernel command line for a `kernel` boot. */
  readonly append?: string;
  /** Profile names (looked up in vm-configs/) or paths to profile files. */
  readonly profiles: readonly string[];
  readonly memoryMiB?: number;
  readonly bootOrder?: readonly BootDevice[];
  readonly backends: readonly BackendName[];
  readonly timeoutMs: number;
  readonly stepTimeoutMs: number;
  /** End any wait after this long without serial output, screen change or CPU work (ms); absent: never. */
  readonly stallMs?: number;
  /** Fail once the guest has reset the machine more often than this; absent: resets are only counted. */
  readonly maxResets?: number;
  /** Screens that fail any wait at once (steps/failure-screens.ts). */
  readonly failOnScreen?: readonly FailScreen[];
  /** Patterns that fail any wait at once, defaults included. */
  readonly failOn: readonly Pattern[];
  readonly goldenDir: string;
  /**
   * Whose goldens the steps a `from:` scenario takes from its origin use: the origin's, up to
   * and including step `throughStep` (from 0), nearest origin last. Empty without `from:`.
   */
  readonly originGoldens?: readonly { readonly throughStep: number; readonly dir: string; readonly scenario: string }[];
  readonly expect: readonly Expectation[];
  /** Backend × profile pairs of the matrix that are skipped with a reason instead of booted. */
  readonly exclude: readonly Exclusion[];
  readonly phases: readonly Phase[];
  /** Run on guest time and record each phase's guest time (always true when a phase has a guest budget). */
  readonly guestClock: boolean;
  readonly from?: SnapshotStart;
}

export const DEFAULT_PROFILE = 'p3-i440fx';

/** Whose goldens step `step` (from 0 over all phases) uses: an origin's for the steps taken from it, else the scenario's own. */
export function goldenOwner(scenario: Scenario, step: number): { readonly dir: string; readonly scenario: string } {
  return scenario.originGoldens?.find((o) => step <= o.throughStep) ?? { dir: scenario.goldenDir, scenario: scenario.name };
}

/**
 * The phases up to and including step `step` of phase `phase` (both 0-based). A phase cut short
 * loses its budgets: they are for the whole phase, and a part of it says nothing about them.
 */
export function phasesThrough(phases: readonly Phase[], phase: number, step: number): Phase[] {
  return phases.slice(0, phase + 1).map((p, i) => {
    if (i < phase || step === p.steps.length - 1) return p;
    const { budgetMs: _wall, guestBudget: _guest, ...rest } = p;
    return { ...rest, steps: p.steps.slice(0, step + 1) };
  });
}

/** What the machine gets: the scenario's images by role; a blank disk is the file made for this job. */
export function scenarioMedia(scenario: Scenario, blankDisk?: string): Media {
  const pathOf = (role: ImageFile['role']) => scenario.imageFiles.find((f) => f.role === role)?.path;
  const disk = scenario.imageFiles.find((f) => f.role === 'disk');
  return {
    cdrom: pathOf('cdrom'),
    floppy: pathOf('floppy'),
    disk: blankDisk ?? pathOf('disk'),
    ...(blankDisk ? { diskWritable: true } : {}),
    ...(!blankDisk && disk?.format ? { diskFormat: disk.format } : {}),
    ...(!blankDisk && disk?.backingWithin ? { diskBackingWithin: disk.backingWithin } : {}),
    kernel: pathOf('kernel'),
    initrd: pathOf('initrd'),
    append: scenario.append,
  };
}
