/**
 * Counts the guest's own resets (a triple fault, the keyboard controller's reset line) through a
 * job, each with the frame seen last before it, and fails the next wait check once there are
 * more than `maxResets`: a reset loop ends at once instead of looking like a slow boot.
 */
import { ResetLoopError } from '../errors.js';
import type { Machine } from '../machine/machine.js';
import type { RawImage } from '../machine/raw-image.js';
import type { ArtifactSink } from './step-context.js';

export interface GuestReset {
  /** Milliseconds after the watch began (the machine's start). */
  readonly atMs: number;
  readonly frame?: RawImage;
}

export class ResetWatch {
  readonly resets: GuestReset[] = [];
  private readonly started = performance.now();
  private readonly unsubscribe: () => void;

  /** `lastFrame`: the newest frame anything took of this machine (the filmstrip's, a wait's). */
  constructor(
    machine: Machine,
    private readonly maxResets: number | undefined,
    lastFrame: () => RawImage | undefined,
  ) {
    this.unsubscribe = machine.onGuestReset(() => {
      const frame = lastFrame();
      this.resets.push({ atMs: performance.now() - this.started, ...(frame ? { frame } : {}) });
    });
  }

  /** Seconds after the start, one per reset, for the report. */
  get atSeconds(): number[] {
    return this.resets.map((r) => Number((r.atMs / 1000).toFixed(3)));
  }

  /** A ResetLoopError with the frames before each reset saved, once there were too many; else nothing. */
  async check(artifacts?: ArtifactSink): Promise<void> {
    if (this.maxResets === undefined || this.resets.length <= this.maxResets) return;
    this.stop();
    const saved: Record<string, string> = {};
    for (const [i, reset] of this.resets.entries()) {
      if (reset.frame && artifacts) saved[`beforeReset${i + 1}`] = await artifacts.image(`before-reset-${i + 1}`, reset.frame);
    }
    throw new ResetLoopError(this.maxResets, this.atSeconds, saved);
  }

  stop(): void {
    this.unsubscribe();
  }
}
