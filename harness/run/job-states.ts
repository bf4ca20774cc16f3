/**
 * One attempt's dealings with saved states: whether it starts from one (`--from-state`, or the
 * snapshot point its scenario starts `from:`), saving snapshot points as their steps pass, and
 * saving the machine at a failure when asked. The machine identity the states are checked
 * against is worked out once, and only when a state is involved at all (it hashes the images).
 */
import { rename, rm } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { Machine } from '../machine/machine.js';
import type { Step } from '../scenario/scenario.js';
import { describeStep } from '../steps/run-step.js';
import type { Job } from '../model/job.js';
import { checkStateFits, machineIdentity, readState, writeState, type MachineIdentity } from './saved-state.js';
import type { SnapshotCache } from './snapshot-cache.js';
import { withStagingFolder } from './staging-folder.js';

export interface StateOptions {
  readonly snapshots: SnapshotCache;
  /** Start every job from this state folder (`--from-state`). */
  readonly fromState?: string;
}

export interface StartPoint {
  readonly restoreFrom?: string;
  /** The first step to run, counted from 0 over all phases; the ones before it were restored. */
  readonly resumeAt: number;
  readonly restored?: { readonly from: string; readonly snapshot?: string; readonly resumeAt: number };
}

export class JobStates {
  private identity: Promise<MachineIdentity> | undefined;
  private releaseLock: (() => void) | undefined;

  constructor(
    private readonly job: Job,
    private readonly guestClock: boolean,
    private readonly options: StateOptions,
  ) {}

  /** Before the machine is made: a state to start from, checked against this job, or a boot. */
  async start(): Promise<StartPoint> {
    const { fromState, snapshots } = this.options;
    if (fromState) {
      const manifest = await readState(fromState);
      checkStateFits(manifest, await this.machine(), fromState);
      const steps = this.job.scenario.phases.reduce((n, p) => n + p.steps.length, 0);
      if (manifest.resumeAt >= steps) {
        throw new ConfigError(`the state goes on at step ${manifest.resumeAt + 1} ("${manifest.resumeStep}"), but ${this.job.scenario.name} has ${steps} steps`, { field: '--from-state' });
      }
      return { restoreFrom: fromState, resumeAt: manifest.resumeAt, restored: { from: fromState, ...(manifest.snapshot ? { snapshot: manifest.snapshot } : {}), resumeAt: manifest.resumeAt } };
    }
    const from = this.job.scenario.from;
    if (!from) return { resumeAt: 0 };
    const key = snapshots.key(await this.machine(), this.job.scenario.phases, from.afterStep);
    // Jobs of this run that start from the same point take turns: the first boots and saves.
    this.releaseLock = await snapshots.lock(key);
    const dir = snapshots.find(key);
    if (!dir) return { resumeAt: 0 };
    this.release();
    return { restoreFrom: dir, resumeAt: from.afterStep + 1, restored: { from: dir, snapshot: from.snapshot, resumeAt: from.afterStep + 1 } };
  }

  /** After step `index` passed: saves its snapshot point if the cache lacks it; returns a note for the report. */
  async stepPassed(machine: Machine, index: number, step: Step): Promise<string | undefined> {
    let note: string | undefined;
    if (step.snapshot) {
      const { snapshots } = this.options;
      const identity = await this.machine();
      const key = snapshots.key(identity, this.job.scenario.phases, index);
      if (!snapshots.find(key)) {
        const place = { resumeAt: index + 1, resumeStep: this.stepAt(index + 1), reason: 'snapshot' as const, snapshot: step.snapshot };
        const dir = await snapshots.save(key, (staging) => writeState(machine, staging, identity, this.job, place).then(() => undefined));
        note = `snapshot ${step.snapshot} saved: ${dir}`;
      }
    }
    if (index === this.job.scenario.from?.afterStep) this.release();
    return note;
  }

  /** Saves the machine as it is at a failure, to go on from the failed step (`--from-state`). */
  async saveFailure(machine: Machine, dir: string, failedAt: number): Promise<void> {
    const identity = await this.machine();
    await withStagingFolder(`${dir}.partial`, async (staging) => {
      await writeState(machine, staging, identity, this.job, { resumeAt: failedAt, resumeStep: this.stepAt(failedAt), reason: 'failure' });
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    });
  }

  /** Passes the snapshot lock on; safe to call any number of times. */
  release(): void {
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  private machine(): Promise<MachineIdentity> {
    this.identity ??= machineIdentity(this.job, this.guestClock);
    return this.identity;
  }

  private stepAt(index: number): string {
    const step = this.job.scenario.phases.flatMap((p) => p.steps)[index];
    return step ? describeStep(step) : '(end of the scenario)';
  }
}
