import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, InfraError, InterruptedError } from '../../harness/errors.js';
import { FakeMachine } from '../../harness/machine/fake/fake-machine.js';
import type { MachineFactory } from '../../harness/machine/machine.js';
import type { Job } from '../../harness/model/job.js';
import { hostAvailableBytes, MemoryAdmission } from '../../harness/run/memory-admission.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const MIB = 1024 ** 2;
const job = (id: string, memoryMiB: number, backend: 'qemu' | 'v86' = 'qemu') => ({ id, backend, profile: { name: 'p', memoryMiB } }) as unknown as Job;
const settled = async (p: Promise<unknown>) => Promise.race([p.then(() => true, () => true), new Promise((r) => setTimeout(() => r(false), 20))]);

describe('memory-aware admission', () => {
  it('reads MemAvailable from /proc/meminfo', () => {
    expect(hostAvailableBytes(() => 'MemTotal:        8000000 kB\nMemFree:  100 kB\nMemAvailable:    2048 kB\n')).toBe(2048 * 1024);
    expect(hostAvailableBytes(() => 'MemTotal: 1 kB\n')).toBeUndefined();
  });

  it('admits jobs only while guest RAM plus emulator overhead fits; the rest wait their turn, in order', async () => {
    // 128 MiB guests take 228 MiB each with the emulator: two fit in 500 MiB, not three.
    const admission = new MemoryAdmission(500 * MIB, 'flag');
    const a = await admission.admit(job('a', 128));
    await admission.admit(job('b', 128, 'v86'));
    const c = admission.admit(job('c', 128));
    const d = admission.admit(job('d', 16));
    expect(await settled(c)).toBe(false);
    // d would fit, but waits behind c so a large job is never starved.
    expect(await settled(d)).toBe(false);
    a();
    a(); // a second release gives nothing back twice
    expect(await settled(c)).toBe(true);
    expect(await settled(d)).toBe(false);
  });

  it('a job larger than the whole limit is a config error with the flag, an infra error on the host, never a wait', async () => {
    await expect(new MemoryAdmission(200 * MIB, 'flag').admit(job('big', 256))).rejects.toThrow(ConfigError);
    await expect(new MemoryAdmission(200 * MIB, 'host').admit(job('big', 256))).rejects.toThrow(InfraError);
    await expect(new MemoryAdmission(200 * MIB, 'flag').admit(job('big', 256))).rejects.toThrow(/needs 356 MiB \(256 MiB of guest RAM \+ 100 MiB for qemu\), more than the whole limit of 200 MiB/);
  });

  it('an interrupt ends the wait, and the next in line moves up', async () => {
    const admission = new MemoryAdmission(350 * MIB, 'flag');
    const release = await admission.admit(job('a', 128));
    const controller = new AbortController();
    const b = admission.admit(job('b', 128), controller.signal);
    const c = admission.admit(job('c', 16));
    controller.abort('SIGINT');
    await expect(b).rejects.toThrow(InterruptedError);
    expect(await settled(c)).toBe(true);
    release();
  });

  it('in a run: jobs wait rather than fail, and one that can never fit is reported without starting a machine', async () => {
    project = new TempProject();
    const scenario = 'image: {cdrom: ../disk.img}\nbackends: [qemu]\nprofiles: [p3-i440fx, 486-isa, p5-i440fx]\nsteps:\n  - waitSerial: ready\n    timeout: 5s\n';
    // p3-i440fx has 128 MiB (228 with QEMU), 486-isa 16 (116), p5-i440fx 32 (132): 200 MiB holds the last two, one at a time.
    const made: FakeMachine[] = [];
    const liveAtStart: number[] = [];
    const createMachine: MachineFactory = (backend, spec) => {
      liveAtStart.push(made.filter((m) => !m.stopped).length);
      const m = new FakeMachine(backend, { timeline: [{ at: 100, serial: 'ready' }] }, spec);
      made.push(m);
      return m;
    };
    const { results } = await runFake(project, scenario, {}, { concurrency: 3, memory: new MemoryAdmission(200 * MIB, 'flag'), createMachine });
    expect(results.map((r) => r.outcome)).toEqual(['config-error', 'passed', 'passed']);
    expect(results[0]!.error!.message).toMatch(/--max-memory: .*needs 228 MiB/);
    // Two machines, one at a time: the second was made once the first had stopped.
    expect(liveAtStart).toEqual([0, 0]);
  });
});
