import { describe, expect, it } from 'vitest';
import { compareResults } from '../../harness/budget/compare-results.js';
import { parseTolerance } from '../../harness/cli/compare-command.js';
import type { JobResult, RunResult } from '../../harness/model/results.js';

function job(id: string, over: Partial<JobResult> = {}): JobResult {
  return {
    id,
    scenario: { name: id, file: `${id}.yaml`, description: '' },
    backend: 'qemu',
    profile: 'p3-i440fx',
    memoryMiB: 64,
    outcome: 'passed',
    attempts: [],
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1000,
    phases: [{ name: 'boot', offsetMs: 0, outcome: 'passed', durationMs: 5000, steps: [] }],
    host: { peakRssBytes: 100 << 20 },
    artifacts: {},
    images: [{ role: 'cdrom', path: 'x.iso', sizeBytes: 7 << 20 }],
    ...over,
  };
}

function run(...jobs: JobResult[]): RunResult {
  return { version: 1, tool: { name: 'bootgate', version: '0' }, startedAt: '', durationMs: 0, options: { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 }, jobs, summary: { total: jobs.length, counts: {} as never, exitCode: 0 } };
}

describe('compareResults', () => {
  it('compares guest time in instructions, apart from wall time', () => {
    const phase = (durationMs: number, instructions: number) => [{ name: 'boot', offsetMs: 0, outcome: 'passed' as const, durationMs, guest: { instructions, ms: instructions * 4e-6, exact: true }, steps: [] }];
    // The host was twice as busy (wall +100 %), the image does 15 % more work.
    const c = compareResults(run(job('a', { phases: phase(5000, 1_000_000) })), run(job('a', { phases: phase(10_000, 1_150_000) })), 0.1);
    const guest = c.changes.find((x) => x.figure === 'boot time (guest)')!;
    expect(guest).toMatchObject({ before: 1_000_000, after: 1_150_000, unit: 'instructions', level: 'warn' });
    expect(guest.growth).toBeCloseTo(0.15);
  });

  it('says nothing failed when nothing moved', () => {
    const c = compareResults(run(job('a')), run(job('a')), 0.1);
    expect(c.failed).toBe(false);
    expect(c.warnings).toBe(0);
  });

  it('warns when the image, the RAM floor or a phase grew past the tolerance', () => {
    const after = job('a', {
      images: [{ role: 'cdrom', path: 'x.iso', sizeBytes: 10 << 20 }],
      ramFloor: { floorMiB: 38, probes: [] },
      phases: [{ name: 'boot', offsetMs: 0, outcome: 'passed', durationMs: 5400, steps: [] }],
    });
    const c = compareResults(run(job('a', { ramFloor: { floorMiB: 34, probes: [] } })), run(after), 0.1);
    const warned = c.changes.filter((x) => x.level === 'warn').map((x) => x.figure);
    expect(warned).toEqual(['RAM floor', 'image size']);
    expect(c.failed).toBe(false);
  });

  it('fails when a job that passed now fails (e.g. a budget broke)', () => {
    const c = compareResults(run(job('a')), run(job('a', { outcome: 'failed' })), 0.1);
    expect(c.failed).toBe(true);
    expect(c.changes.find((x) => x.figure === 'outcome')).toMatchObject({ before: 'passed', after: 'failed', level: 'fail' });
  });

  it('parses tolerances as percentages or fractions', () => {
    expect(parseTolerance('10%')).toBeCloseTo(0.1);
    expect(parseTolerance('0.25')).toBeCloseTo(0.25);
    expect(() => parseTolerance('ten')).toThrowError(/--tolerance/);
  });
});
