/**
 * Memory-aware admission: an attempt starts its machine only while the memory every running
 * machine may take fits the limit, so a run of many large-RAM jobs on a small host waits instead
 * of swapping or meeting the OOM killer. A machine may take its guest RAM plus its emulator's own
 * overhead; the limit is `--max-memory`, or what the host had available when the run began.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, InfraError, InterruptedError } from '../errors.js';
import type { BackendName } from '../machine/machine.js';
import type { Job } from '../model/job.js';

const MIB = 1024 ** 2;

/**
 * What an emulator takes beyond guest RAM. QEMU: its translation cache (-accel tcg,tb-size=64)
 * and some 40 MiB of its own. v86: its worker's heap and wasm memory beyond guest RAM (VRAM,
 * tables); a 128 MiB guest's worker measured 200 MiB (docs/benchmarks.md).
 */
export const EMULATOR_OVERHEAD_BYTES: Readonly<Record<BackendName, number>> = { qemu: 100 * MIB, v86: 100 * MIB };

export function jobMemoryBytes(job: Job): number {
  return job.profile.memoryMiB * MIB + EMULATOR_OVERHEAD_BYTES[job.backend];
}

/** MemAvailable from /proc/meminfo: memory the kernel can give without swapping. */
export function hostAvailableBytes(meminfo = () => readFileSync('/proc/meminfo', 'utf8')): number | undefined {
  try {
    const kib = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo())?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

export class MemoryAdmission {
  private used = 0;
  private readonly waiting: { readonly bytes: number; readonly admit: () => void }[] = [];

  /** `from` says where the limit came from, for the error of a job that can never fit. */
  constructor(
    readonly limitBytes: number,
    private readonly from: 'flag' | 'host',
  ) {}

  /** Waits until `job` fits; returns the function that gives its memory back (call it once). */
  async admit(job: Job, signal?: AbortSignal): Promise<() => void> {
    const bytes = jobMemoryBytes(job);
    if (bytes > this.limitBytes) {
      const what = `${job.id} needs ${mib(bytes)} MiB (${job.profile.memoryMiB} MiB of guest RAM + ${mib(EMULATOR_OVERHEAD_BYTES[job.backend])} MiB for ${job.backend})`;
      if (this.from === 'flag') throw new ConfigError(`${what}, more than the whole limit of ${mib(this.limitBytes)} MiB`, { field: '--max-memory' });
      throw new InfraError(`${what}, more than the host had available (${mib(this.limitBytes)} MiB) when the run began; free memory or lower the profile's memory`);
    }
    // First come, first served: a large job is not overtaken for ever by small ones.
    if (this.waiting.length > 0 || this.used + bytes > this.limitBytes) {
      await new Promise<void>((resolve, reject) => {
        const entry = { bytes, admit: () => (signal?.removeEventListener('abort', onAbort), resolve()) };
        const onAbort = () => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          this.admitWaiting();
          reject(new InterruptedError(String(signal?.reason)));
        };
        this.waiting.push(entry);
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } else {
      this.used += bytes;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      this.admitWaiting();
    };
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0]!.bytes <= this.limitBytes) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.admit();
    }
  }
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(0);
}
