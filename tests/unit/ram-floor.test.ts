import { describe, expect, it } from 'vitest';
import { findRamFloor, type RamProbe } from '../../harness/budget/ram-floor.js';

/** A fake image shaped like the mini ISO in docs/architecture.md ("Reference presets"): errors, hangs, then passes from 34 MiB. */
function miniIso(memoryMiB: number): RamProbe {
  if (memoryMiB >= 34) return { memoryMiB, outcome: 'passed', durationMs: 6000 };
  if (memoryMiB === 33) return { memoryMiB, outcome: 'failed', durationMs: 3000, error: 'Initramfs unpacking failed: invalid magic' };
  if (memoryMiB >= 18) return { memoryMiB, outcome: 'failed', durationMs: 20000, error: 'timed out (hang after Probing EDD)' };
  return { memoryMiB, outcome: 'failed', durationMs: 500, error: 'Booting kernel failed: Invalid argument' };
}

describe('findRamFloor', () => {
  it('finds the exact floor in log2(range) probes and keeps the failure just below it', async () => {
    const floor = await findRamFloor(async (m) => miniIso(m), 1, 128);
    expect(floor.floorMiB).toBe(34);
    expect(floor.belowFloor?.error).toMatch(/invalid magic/);
    expect(floor.probes.length).toBeLessThanOrEqual(9);
    expect(floor.probes[0]!.memoryMiB).toBe(128);
  });

  it('reports no floor when even the upper bound fails', async () => {
    const floor = await findRamFloor(async (m) => miniIso(m), 1, 32);
    expect(floor.floorMiB).toBeUndefined();
    expect(floor.problem).toMatch(/does not pass even with 32 MiB/);
  });

  it('stops at an infra error instead of reading it as "too little memory"', async () => {
    const floor = await findRamFloor(async (m) => (m === 64 ? { memoryMiB: m, outcome: 'infra-error', durationMs: 1, error: 'qemu died' } : miniIso(m)), 1, 128);
    expect(floor.floorMiB).toBeUndefined();
    expect(floor.problem).toMatch(/64 MiB hit an infra-error: qemu died/);
  });

  it('the lower bound itself can be the floor', async () => {
    const floor = await findRamFloor(async (m) => ({ memoryMiB: m, outcome: 'passed', durationMs: 1 }), 8, 16);
    expect(floor.floorMiB).toBe(8);
    expect(floor.belowFloor).toBeUndefined();
  });
});
