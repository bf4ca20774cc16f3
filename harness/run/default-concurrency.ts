/**
 * How many jobs at once when `--jobs` is not given: one per core (each emulator is one busy
 * thread), no more than the host's available memory holds of the run's largest machine, and no
 * more than there are jobs. The reason goes into the run's first line.
 */
import { availableParallelism } from 'node:os';
import type { Job } from '../model/job.js';
import { jobMemoryBytes } from './memory-admission.js';

export function defaultConcurrency(jobs: readonly Job[], availableBytes: number | undefined, cores: number = availableParallelism()): { readonly jobs: number; readonly why: string } {
  const largest = Math.max(0, ...jobs.map(jobMemoryBytes));
  const byMemory = availableBytes === undefined || largest === 0 ? Infinity : Math.max(1, Math.floor(availableBytes / largest));
  const n = Math.max(1, Math.min(cores, byMemory, jobs.length));
  const memory = byMemory === Infinity ? '' : `; ${gib(availableBytes!)} GiB available holds ${byMemory} of the largest machine, ${Math.round(largest / 1024 ** 2)} MiB`;
  const few = jobs.length < Math.min(cores, byMemory) ? `; ${jobs.length} job${jobs.length === 1 ? '' : 's'}` : '';
  return { jobs: n, why: `${cores} core${cores === 1 ? '' : 's'}${memory}${few}` };
}

function gib(bytes: number): string {
  return (bytes / 1024 ** 3).toFixed(1);
}
