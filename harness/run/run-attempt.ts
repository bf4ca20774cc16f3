/**
 * One attempt at one job: start the machine, run its phases, keep the evidence (serial log,
 * last frame, mismatch frames), and always stop the machine and remove its temp folder.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BootgateError, failureKindOf, FailureScreenError, InterruptedError, ResetLoopError, WaitTimeoutError, ScreenMismatchError, ScreenUnstableError, TextNotFoundError, UnsupportedProfileError } from '../errors.js';
import type { GuestEvent } from '../budget/guest-time.js';
import { checkGuestBudgets, phaseBudgets, wallBudgetError } from '../budget/phase-budgets.js';
import type { Machine, MachineFactory } from '../machine/machine.js';
import type { GoldenRecord, JobError, PhaseResult, StepResult } from '../model/results.js';
import { DecodedGolden, GoldenStore, type UpdateMode } from '../screen/golden-store.js';
import { describeStep, runStep, stepKind } from '../steps/run-step.js';
import type { StepContext } from '../steps/step-context.js';
import { ResetWatch } from '../steps/reset-watch.js';
import { JobArtifacts } from './job-artifacts.js';
import { FrameReader } from '../text/frame-reader.js';
import { FilmstripRecorder } from './filmstrip-recorder.js';
import { writeFilmstrip } from './write-filmstrip.js';
import { checkSizeBudgets, measureImages, type MeasuredImage } from '../budget/size-budget.js';
import type { Job } from '../model/job.js';
import { goldenOwner, scenarioMedia } from '../scenario/scenario.js';
import { outcomeOfErrorClass, type Outcome } from '../model/outcome.js';
import { JobStates, type StartPoint } from './job-states.js';
import { sourceStack } from '../util/source-stack.js';
import type { MemoryAdmission } from './memory-admission.js';
import type { SnapshotCache } from './snapshot-cache.js';

export interface AttemptOptions {
  readonly reportDir: string;
  readonly updateMode: UpdateMode;
  readonly timeoutScale: number;
  readonly createMachine: MachineFactory;
  /** Aborted on Ctrl-C, SIGTERM or SIGHUP: the attempt stops its machine and reports interrupted. */
  readonly signal?: AbortSignal;
  readonly onStep?: (job: Job, phase: string, description: string) => void;
  /** After each step that ran, passed or failed, with its result. */
  readonly onStepEnd?: (job: Job, phase: string, step: StepResult) => void;
  /** Record the boot as a filmstrip: kept for failed attempts, for every attempt, or not recorded. */
  readonly filmstrip?: FilmstripMode;
  /**
   * Called once the phases have ended (the error they ended with, or undefined when every step
   * passed) and the evidence is kept, while the machine still runs: `bootgate repro` hands the
   * machine to a person here. The machine is stopped and its temp folder removed when it returns.
   */
  readonly handOver?: (machine: Machine, error: unknown) => Promise<void>;
  /** Run every QEMU job on guest time (`--guest-clock`), not only scenarios that ask for it. */
  readonly guestClock?: boolean;
  /** Where snapshot points are kept; share one per run, so jobs from the same point take turns. */
  readonly snapshots?: SnapshotCache;
  /** Start from this saved state (`--from-state`) instead of booting. */
  readonly fromState?: string;
  /** Save the machine into the report folder when an attempt fails, to go on from there later. */
  readonly saveStateOnFailure?: boolean;
  /** Waits for the memory the machine may take before it starts (none: start at once). */
  readonly memory?: MemoryAdmission;
}

export type FilmstripMode = 'on-failure' | 'always' | 'off';
export const FILMSTRIP_MODES: readonly FilmstripMode[] = ['on-failure', 'always', 'off'];

export interface Attempt {
  readonly outcome: Outcome;
  readonly error?: JobError;
  readonly phases: readonly PhaseResult[];
  readonly artifacts: Readonly<Record<string, string>>;
  readonly durationMs: number;
  readonly peakRssBytes?: number;
  readonly command?: string;
  /** The serial log's text, for matching an expectation's evidence. */
  readonly serialText: string;
  readonly images: readonly MeasuredImage[];
  /** Problems that did not decide the outcome (evidence that could not be written). */
  readonly warnings: readonly string[];
  /** When the guest reset the machine by itself, in seconds after it started. */
  readonly guestResets?: readonly number[];
  readonly restored?: StartPoint['restored'];
}

/** How long the evidence collection after a failure may take before we give up on it. */
const EVIDENCE_TIMEOUT_MS = 5000;

/** `snapshots` is required here: runJobs makes the one cache a run's jobs share. */
export async function runAttempt(job: Job, attempt: number, options: AttemptOptions & { readonly snapshots: SnapshotCache }): Promise<Attempt> {
  let started = performance.now();
  const artifacts = new JobArtifacts(options.reportDir, job.id, attempt);
  const workDir = await mkdtemp(join(tmpdir(), 'bootgate-'));
  const controller = new AbortController();
  const jobTimeoutMs = job.scenario.timeoutMs * options.timeoutScale;
  let timer: NodeJS.Timeout | undefined;
  let releaseMemory: (() => void) | undefined;
  const onInterrupt = () => controller.abort(new InterruptedError(String(options.signal?.reason ?? 'signal')));
  options.signal?.addEventListener('abort', onInterrupt);
  if (options.signal?.aborted) onInterrupt();

  const phases: PhaseResult[] = [];
  const files: Record<string, string> = {};
  let machine: Machine | undefined;
  let ctx: StepContext | undefined;
  let error: unknown;
  let images: MeasuredImage[] = [];
  let recorder: FilmstripRecorder | undefined;
  let resets: ResetWatch | undefined;
  const ocr = new FrameReader();
  const guestEvents: GuestEvent[] = [];
  const guestClock = !!(job.scenario.guestClock || options.guestClock);
  const states = new JobStates(job, guestClock, { snapshots: options.snapshots, ...(options.fromState ? { fromState: options.fromState } : {}) });
  let start: StartPoint = { resumeAt: 0 };
  const cursor = { step: 0 };
  const decoded = new DecodedGolden();
  const goldensOf = (step: number) => {
    const owner = goldenOwner(job.scenario, step);
    return new GoldenStore(owner.dir, owner.scenario, job.backend, options.updateMode, decoded);
  };
  try {
    if (job.exclusion) throw new UnsupportedProfileError(job.backend, 'exclude', job.exclusion);
    // Waiting for memory is not the job's time: its timeout and durations start once admitted.
    releaseMemory = await options.memory?.admit(job, controller.signal);
    started = performance.now();
    timer = setTimeout(() => controller.abort(new WaitTimeoutError('the whole job to finish', jobTimeoutMs, '')), jobTimeoutMs);
    images = measureImages(job.scenario);
    checkSizeBudgets(job.scenario, images);
    start = await states.start();
    // Interrupted while a state was looked up: start no machine at all.
    controller.signal.throwIfAborted();
    machine = options.createMachine(job.backend, {
      profile: job.profile,
      media: scenarioMedia(job.scenario, await makeBlankDisk(job, workDir)),
      workDir,
      ...(guestClock ? { guestClock: true } : {}),
      ...(start.restoreFrom ? { restoreFrom: start.restoreFrom } : {}),
    });
    // Before start: a reset loop may begin with the first instructions.
    resets = new ResetWatch(machine, job.scenario.maxResets, () => recorder?.latest ?? ctx?.lastFrame);
    await abortable(machine.start(), controller.signal);
    if ((options.filmstrip ?? 'on-failure') !== 'off') {
      recorder = new FilmstripRecorder(machine);
      recorder.start();
    }
    ctx = {
      machine,
      signal: controller.signal,
      goldens: goldensOf(0),
      artifacts,
      ocr,
      timeoutScale: options.timeoutScale,
      defaultTimeoutMs: job.scenario.stepTimeoutMs,
      failOn: job.scenario.failOn,
      resets,
      serialCursor: 0,
    };
    await runPhases(job, ctx, { phases, guestEvents, cursor, resumeAt: start.resumeAt, states, goldensOf }, options, started);
    // Resets after the last wait still count.
    await resets.check(artifacts);
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onInterrupt);
    resets?.stop();
    await ocr.stop().catch(() => undefined);
  }
  markNotRun(job, phases);

  let peakRssBytes: number | undefined;
  let command: string | undefined;
  let serialText = '';
  // Evidence is collected best-effort: a failure here is noted, and never skips stopping the machine.
  const warnings: string[] = [];
  try {
    const film = await recorder?.stop();
    if (film && (options.filmstrip === 'always' || error !== undefined)) {
      const written = await writeFilmstrip(film, artifacts.dir);
      if (written) {
        files.filmstrip = relative(options.reportDir, written.animation);
        files.contactSheet = relative(options.reportDir, written.sheet);
      }
    }
    if (machine) {
      const m = machine;
      serialText = m.serial.text;
      // Copies of the files the log spilled to: a flooding guest's hundreds of MB never pass through memory.
      m.serial.saveTo(join(artifacts.dir, 'serial.log'), join(artifacts.dir, 'serial.raw'));
      files.serialLog = relative(options.reportDir, join(artifacts.dir, 'serial.log'));
      files.serialRaw = relative(options.reportDir, join(artifacts.dir, 'serial.raw'));
      command = m.describe();
      // An exited machine has settled `exited` already; setImmediate runs after its callbacks.
      const gone = await Promise.race([m.exited.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);
      // Asked even after a crash: a backend may still report its last sample.
      const stats = await withTimeout(m.stats(), EVIDENCE_TIMEOUT_MS).catch(() => undefined);
      peakRssBytes = stats?.hostPeakRssBytes ?? stats?.hostRssBytes;
      // The last frame is evidence for a failure; a passed job's frames are in its steps.
      if (error !== undefined) {
        const frame = gone ? undefined : await withTimeout(m.screenshot(), EVIDENCE_TIMEOUT_MS).catch(() => undefined);
        const last = frame ?? ctx?.lastFrame;
        if (last) files.lastFrame = await artifacts.image('last-frame', last);
        if (options.saveStateOnFailure && !gone && !(error instanceof InterruptedError)) {
          const dir = join(artifacts.dir, 'state');
          await states.saveFailure(m, dir, cursor.step);
          files.state = relative(options.reportDir, dir);
        }
      }
    }
  } catch (e) {
    warnings.push(`could not keep all evidence: ${(e as Error).message}`);
  }
  states.release();
  try {
    if (machine && options.handOver) await options.handOver(machine, error);
  } catch (e) {
    warnings.push(`hand-over ended with an error: ${(e as Error).message}`);
  } finally {
    await machine?.stop();
    releaseMemory?.();
    await rm(workDir, { recursive: true, force: true });
  }
  // Guest time is known only now: QEMU's counts are in a log that is complete once QEMU is gone.
  if (machine?.guestClock && guestEvents.length > 0) {
    error = await checkGuestBudgets(job.scenario.phases, machine.guestClock, guestEvents, phases, error, warnings);
  }

  warnings.push(...(await artifacts.flush()));
  const durationMs = performance.now() - started;
  const guestResets = resets?.atSeconds ?? [];
  const common = {
    phases,
    artifacts: files,
    durationMs,
    peakRssBytes,
    command,
    serialText,
    images,
    warnings,
    ...(start.restored ? { restored: start.restored } : {}),
    ...(guestResets.length ? { guestResets } : {}),
  };
  if (error === undefined) return { outcome: 'passed', ...common };
  return { outcome: outcomeOfErrorClass(error instanceof BootgateError ? error.errorClass : undefined), error: toJobError(error), ...common };
}

interface PhaseRun {
  readonly phases: PhaseResult[];
  readonly guestEvents: GuestEvent[];
  /** The step running (or next), counted from 0 over all phases: where a failure state goes on. */
  readonly cursor: { step: number };
  /** Steps before this one were restored from a saved state. */
  readonly resumeAt: number;
  readonly states: JobStates;
  /** The goldens of step i (from 0): an origin scenario's for the steps a `from:` scenario takes from it. */
  readonly goldensOf: (step: number) => GoldenStore;
}

async function runPhases(job: Job, ctx: StepContext, run: PhaseRun, options: AttemptOptions, attemptStart: number): Promise<void> {
  const { phases, guestEvents, cursor, resumeAt, states, goldensOf } = run;
  let stepIndex = 0;
  for (const [phaseIndex, phase] of job.scenario.phases.entries()) {
    const phaseStart = performance.now();
    const steps: StepResult[] = [];
    // A phase that began before the restore point ran partly elsewhere: its budgets say nothing here.
    const partial = stepIndex < resumeAt;
    const record = (outcome: PhaseResult['outcome']) =>
      phases.push({ name: phase.name, offsetMs: phaseStart - attemptStart, outcome, durationMs: performance.now() - phaseStart, ...(partial ? {} : phaseBudgets(phase)), steps });
    if (stepIndex + phase.steps.length <= resumeAt) {
      phases.push({ name: phase.name, offsetMs: 0, outcome: 'restored', durationMs: 0, steps: phase.steps.map((s) => ({ ...notRun(s, ++stepIndex), outcome: 'restored' })) });
      continue;
    }
    for (const step of phase.steps) {
      stepIndex++;
      if (stepIndex - 1 < resumeAt) {
        steps.push({ ...notRun(step, stepIndex), outcome: 'restored' });
        continue;
      }
      cursor.step = stepIndex - 1;
      const description = describeStep(step);
      const label = `${String(stepIndex).padStart(2, '0')}-${step.name ?? stepKind(step)}`;
      options.onStep?.(job, phase.name, description);
      const stepStart = performance.now();
      ctx.goldens = goldensOf(stepIndex - 1);
      const stall = step.stall ?? phase.stallMs ?? job.scenario.stallMs;
      ctx.stallMs = stall || undefined;
      ctx.failOnScreen = [...(job.scenario.failOnScreen ?? []), ...(phase.failOnScreen ?? []), ...(step.failOnScreen ?? [])];
      try {
        const { guest, ...report } = await runStep(ctx, step, label);
        if (guest) guestEvents.push({ phase: phaseIndex, ...guest });
        const saved = await states.stepPassed(ctx.machine, stepIndex - 1, step);
        const note = [report.note, saved].filter(Boolean).join('; ');
        steps.push({ index: stepIndex, kind: stepKind(step), description, outcome: 'passed', durationMs: performance.now() - stepStart, ...report, ...(note ? { note } : {}), artifacts: report.artifacts ?? [] });
        options.onStepEnd?.(job, phase.name, steps[steps.length - 1]!);
      } catch (e) {
        const artifacts = Object.values(artifactsOf(e) ?? {});
        const review = reviewOf(e);
        steps.push({
          index: stepIndex,
          kind: stepKind(step),
          description,
          outcome: 'failed',
          durationMs: performance.now() - stepStart,
          error: (e as Error).message,
          artifacts,
          ...(review ? { goldens: [review] } : {}),
          ...(e instanceof ScreenUnstableError ? { moving: e.box } : {}),
        });
        options.onStepEnd?.(job, phase.name, steps[steps.length - 1]!);
        record('failed');
        throw e;
      }
    }
    cursor.step = stepIndex;
    const overBudget = partial ? undefined : wallBudgetError(phase, performance.now() - phaseStart);
    if (overBudget) {
      record('failed');
      throw overBudget;
    }
    record('passed');
  }
}

/** Phases and steps the attempt never reached, so the report shows the whole scenario. */
export function markNotRun(job: Job, phases: PhaseResult[]): void {
  let index = phases.reduce((n, p) => n + p.steps.length, 0);
  const ranPhases = phases.length;
  const last = phases[ranPhases - 1];
  const lastDef = job.scenario.phases[ranPhases - 1];
  if (last && lastDef && last.steps.length < lastDef.steps.length) {
    const rest = lastDef.steps.slice(last.steps.length).map((s) => notRun(s, ++index));
    phases[ranPhases - 1] = { ...last, steps: [...last.steps, ...rest] };
  }
  for (const def of job.scenario.phases.slice(ranPhases)) {
    phases.push({ name: def.name, offsetMs: 0, outcome: 'not-run', durationMs: 0, ...phaseBudgets(def), steps: def.steps.map((s) => notRun(s, ++index)) });
  }
}

function notRun(step: Job['scenario']['phases'][number]['steps'][number], index: number): StepResult {
  return { index, kind: stepKind(step), description: describeStep(step), outcome: 'not-run', durationMs: 0, artifacts: [] };
}

/** The frame a failed screen step leaves for `bootgate accept`. */
function reviewOf(error: unknown): GoldenRecord | undefined {
  if (!(error instanceof ScreenMismatchError) || !error.review || !error.artifacts.actual) return undefined;
  const { expected, diff } = error.artifacts;
  return { ...error.review, actual: error.artifacts.actual, ...(expected ? { expected } : {}), ...(diff ? { diff } : {}) };
}

/** The files an error of the image's misbehaviour left as evidence (frames, diffs); undefined for one that carries none. */
function artifactsOf(error: unknown): Record<string, string> | undefined {
  if (!(error instanceof ScreenMismatchError || error instanceof ScreenUnstableError || error instanceof ResetLoopError || error instanceof FailureScreenError || error instanceof TextNotFoundError)) return undefined;
  return Object.fromEntries(Object.entries(error.artifacts).filter((entry): entry is [string, string] => !!entry[1]));
}

function toJobError(error: unknown): JobError {
  if (error instanceof BootgateError) {
    const artifacts = artifactsOf(error);
    return {
      class: error.errorClass,
      type: error.name,
      kind: failureKindOf(error),
      message: error.message,
      ...(artifacts ? { artifacts } : {}),
    };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  // An unexpected exception is our bug or the host's: report it whole so it can be fixed.
  return { class: 'infra', type: e.name, kind: 'infra', message: `${e.message}${e.stack ? `\n${sourceStack(e.stack).split('\n').slice(1, 4).join('\n')}` : ''}` };
}

/** A sparse raw file in the job's own temp folder: fresh for every attempt, never shared, removed with the folder. */
async function makeBlankDisk(job: Job, workDir: string): Promise<string | undefined> {
  const blank = job.scenario.imageFiles.find((f) => f.blankSizeBytes !== undefined);
  if (!blank) return undefined;
  const path = join(workDir, 'blank-disk.img');
  await writeFile(path, '');
  await truncate(path, blank.blankSizeBytes);
  return path;
}

/** Settles with `promise` or the abort, whichever comes first; `promise` is always handled, so its later rejection (a machine stopped while it started) is never unhandled. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
