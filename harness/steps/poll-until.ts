/**
 * The one waiting loop every wait step uses: probe, check failure patterns, sleep, repeat — until
 * a match, a failure pattern, the timeout, the job's abort, or the machine dying. The schedule
 * starts fast (0, 100, 250 ms ...) as Playwright's does, and serial output wakes it early.
 */
import { MachineCrashedError, WaitTimeoutError } from '../errors.js';
import type { Machine, MachineExit } from '../machine/machine.js';

export interface PollOptions<T> {
  readonly machine: Machine;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** For the timeout message: "serial text \"login:\"". */
  readonly what: string;
  /** Returns the result when the wait is satisfied, undefined to go on. */
  readonly probe: () => Promise<T | undefined>;
  /** Throws a FailurePatternError to end the wait at once. Runs before each probe. */
  readonly checkFailures?: () => Promise<void>;
  /** What the machine showed last, for the timeout message. */
  readonly lastSeen: () => Promise<string> | string;
  /** Milliseconds between probes; the last entry repeats. */
  readonly intervals?: readonly number[];
  /** Subscribes a callback that wakes the loop early (e.g. on new serial output); returns an unsubscribe. */
  readonly wake?: (callback: () => void) => () => void;
}

// A frame costs QEMU ~4 ms (PPM), and an unchanged one no compare (the same frame object comes
// back): look every 100 ms for the first second, then back off. Screens that take 0.5–1 s to
// draw (GRUB's menu after its title) were found up to 250 ms late when the backoff began at 0.5 s.
export const SCREEN_INTERVALS: readonly number[] = [0, 50, 100, 100, 100, 100, 100, 100, 100, 100, 100, 150, 250, 500, 1000];
// Text waits poll with peeks (~3 ms, no pause of the guest) and confirm with an exact read (a
// ~12 ms pause): they can look often.
export const TEXT_INTERVALS: readonly number[] = [0, 25, 50];

export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const { machine, signal, timeoutMs } = options;
  const intervals = options.intervals ?? SCREEN_INTERVALS;
  const started = performance.now();
  let exit: MachineExit | undefined;
  let wakeUp: (() => void) | undefined;
  void machine.exited.then((e) => {
    exit = e;
    wakeUp?.();
  });
  const unsubscribe = options.wake?.(() => wakeUp?.());
  const onAbort = () => wakeUp?.();
  signal.addEventListener('abort', onAbort);
  try {
    for (let i = 0; ; i++) {
      if (signal.aborted) throw signal.reason;
      if (exit && !exit.requested) throw new MachineCrashedError(machine.backend, exit.reason);
      await options.checkFailures?.();
      const result = await options.probe();
      if (result !== undefined) return result;
      const elapsed = performance.now() - started;
      if (elapsed >= timeoutMs) throw new WaitTimeoutError(options.what, timeoutMs, await options.lastSeen());
      const delay = Math.min(intervals[Math.min(i, intervals.length - 1)]!, timeoutMs - elapsed);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      });
    }
  } finally {
    unsubscribe?.();
    signal.removeEventListener('abort', onAbort);
  }
}
