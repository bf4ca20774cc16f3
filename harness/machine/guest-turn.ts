/**
 * Whether the guest has had its turn. On a host shared by other jobs an emulator may get a
 * fraction of a core, and a screen that stayed the same for some wall time may be one the guest
 * has not finished drawing (a half-scrolled list, a cursor X has not moved yet). A guest has had
 * its turn once its emulator ran for that long, or once it sits idle in HLT with nothing left to
 * do. A machine that cannot tell its CPU time (v86, in bootgate's own process) is taken at its
 * wall time.
 */
import type { Machine } from './machine.js';

export type GuestTurnSource = Pick<Machine, 'cpuTimeMs' | 'cpuSample'>;

/** The emulator's CPU time now, to measure a turn from; undefined where it cannot tell. */
export function cpuNow(machine: GuestTurnSource): Promise<number | undefined> {
  return machine.cpuTimeMs ? machine.cpuTimeMs() : Promise.resolve(undefined);
}

/** Whether the guest ran for `ms` since `since` (a cpuNow reading) or is idle now; how long it ran, where known. */
export async function guestHadTurn(machine: GuestTurnSource, since: number | undefined, ms: number): Promise<{ readonly had: boolean; readonly ranMs?: number }> {
  if (since === undefined || !machine.cpuTimeMs) return { had: true };
  const ranMs = (await machine.cpuTimeMs()) - since;
  if (ranMs >= ms) return { had: true, ranMs };
  return { had: (await machine.cpuSample?.())?.halted !== false, ranMs };
}
