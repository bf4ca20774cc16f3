/**
 * The RAM floor: the least memory (1 MiB resolution) at which a scenario still passes. A bounded
 * bisection over real boots; every probe is kept, and so is the failure seen just below the floor,
 * because *how* an image fails with too little memory (an OOM message, a silent hang) is the
 * interesting part. Assumes that more memory never hurts, which holds for every image we measured.
 */
import type { Outcome } from '../model/outcome.js';

export interface RamProbe {
  readonly memoryMiB: number;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** The error of a failed probe: what the image did with too little memory. */
  readonly error?: string;
}

export interface RamFloor {
  /** Undefined when the scenario does not pass even at the upper bound, or a probe hit an infra error. */
  readonly floorMiB?: number;
  readonly lowMiB: number;
  readonly highMiB: number;
  readonly probes: readonly RamProbe[];
  /** The probe one MiB below the floor, when the search ran it. */
  readonly belowFloor?: RamProbe;
  /** Why the search stopped without a floor. */
  readonly problem?: string;
}

export type RunProbe = (memoryMiB: number) => Promise<RamProbe>;

/** A probe's timeout once one boot passed in `passedMs`: a silent hang must not cost the scenario's whole timeout on every probe. */
export function probeTimeoutAfter(passedMs: number): number {
  return Math.max(3 * passedMs, passedMs + 15_000);
}

const PASSING: readonly Outcome[] = ['passed', 'flaky'];

export async function findRamFloor(runProbe: RunProbe, lowMiB: number, highMiB: number): Promise<RamFloor> {
  if (!(Number.isInteger(lowMiB) && Number.isInteger(highMiB) && lowMiB >= 1 && highMiB >= lowMiB)) {
    throw new RangeError(`bad RAM search bounds ${lowMiB}..${highMiB} MiB`);
  }
  const probes: RamProbe[] = [];
  const probe = async (mib: number) => {
    const p = await runProbe(mib);
    probes.push(p);
    return p;
  };
  const top = await probe(highMiB);
  if (!PASSING.includes(top.outcome)) {
    return { lowMiB, highMiB, probes, problem: `does not pass even with ${highMiB} MiB (${top.outcome}${top.error ? `: ${top.error}` : ''})` };
  }
  // Invariant: `fail` fails (or is below the bound), `pass` passes.
  let fail = lowMiB - 1;
  let pass = highMiB;
  while (pass - fail > 1) {
    const mid = Math.floor((fail + pass) / 2);
    const p = await probe(mid);
    if (p.outcome === 'infra-error' || p.outcome === 'config-error' || p.outcome === 'interrupted') {
      return { lowMiB, highMiB, probes, problem: `probe at ${mid} MiB hit an ${p.outcome}: ${p.error ?? ''}` };
    }
    if (PASSING.includes(p.outcome)) pass = mid;
    else fail = mid;
  }
  const belowFloor = probes.find((p) => p.memoryMiB === pass - 1);
  return { floorMiB: pass, lowMiB, highMiB, probes, ...(belowFloor ? { belowFloor } : {}) };
}
