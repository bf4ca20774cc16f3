import { describe, expect, it } from 'vitest';
import type { Job } from '../../harness/model/job.js';
import { defaultConcurrency } from '../../harness/run/default-concurrency.js';

const MIB = 1024 ** 2;
const job = (memoryMiB: number) => ({ backend: 'qemu', profile: { memoryMiB } }) as unknown as Job;

describe('the default --jobs', () => {
  it('is one per core while memory holds that many of the largest machine, and says why', () => {
    expect(defaultConcurrency([job(64), job(320), job(64)], 8192 * MIB, 2)).toEqual({ jobs: 2, why: '2 cores; 8.0 GiB available holds 19 of the largest machine, 420 MiB' });
  });

  it('is what memory holds when that is fewer than the cores, and never less than one', () => {
    expect(defaultConcurrency([job(320), job(320), job(320)], 900 * MIB, 4).jobs).toBe(2);
    expect(defaultConcurrency([job(320)], 100 * MIB, 4).jobs).toBe(1);
  });

  it('is no more than the jobs there are, and the cores alone where the host does not say its memory', () => {
    expect(defaultConcurrency([job(64)], 8192 * MIB, 4)).toMatchObject({ jobs: 1, why: expect.stringMatching(/; 1 job$/) });
    expect(defaultConcurrency([job(64), job(64), job(64)], undefined, 2)).toEqual({ jobs: 2, why: '2 cores' });
  });
});
