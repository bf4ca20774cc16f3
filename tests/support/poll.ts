/** Polling a condition until a deadline, for tests that wait on a guest, a process or a file. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  readonly timeoutMs: number;
  /** Pause between probes. */
  readonly everyMs?: number;
  /** What was seen last, for the failure message (a screen, a serial log tail). */
  readonly lastSeen?: () => string | Promise<string>;
}

/**
 * Calls `probe` until it returns something other than undefined or false, and returns that.
 * Past the deadline it fails naming what it waited for and, if asked, what it saw last.
 */
export async function poll<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, o: PollOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const last = o.lastSeen ? `; last seen:\n${await o.lastSeen()}` : '';
      throw new Error(`no ${what} within ${o.timeoutMs} ms${last}`);
    }
    await sleep(o.everyMs ?? 100);
  }
}
