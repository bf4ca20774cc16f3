import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InfraError, UnsupportedProfileError } from '../../harness/errors.js';
import { exitCodeFor } from '../../harness/model/outcome.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const HEAD = 'image: {cdrom: ../disk.img}\nstepTimeout: 2s\n';

describe('running jobs on a fake machine', () => {
  it('passes when serial and screen waits are met, and types what the scenario says', async () => {
    project = new TempProject();
    const { results, machines } = await runFake(
      project,
      `${HEAD}phases:\n  - name: boot\n    steps:\n      - waitSerial: "login:"\n      - type: "root\\n"\n      - waitText: "# "\n  - name: shell\n    steps:\n      - press: ctrl-alt-delete\n`,
      {
        timeline: [{ at: 50, serial: 'Debian\r\nlogin: ' }],
        onType: (text, m) => text === 'root\n' && m.apply({ text: ['Welcome', '# '] }),
      },
    );
    const [job] = results;
    expect(job!.outcome).toBe('passed');
    expect(job!.phases.map((p) => [p.name, p.outcome])).toEqual([['boot', 'passed'], ['shell', 'passed']]);
    expect(machines[0]!.typed).toEqual(['root\n']);
    expect(machines[0]!.keys).toEqual([['ctrl', 'alt', 'delete']]);
    expect(machines[0]!.stopped).toBe(true);
    expect(job!.artifacts.serialLog).toBeDefined();
  });

  it('serial waits consume output: the same text twice needs two occurrences', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}steps:\n  - waitSerial: "ok"\n  - waitSerial: {regex: "ok", flags: "i"}\n    timeout: 300ms\n`, {
      timeline: [{ at: 10, serial: 'ok\n' }],
    });
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.type).toBe('WaitTimeoutError');
    expect(results[0]!.phases[0]!.steps.map((s) => s.outcome)).toEqual(['passed', 'failed']);
  });

  // A wait that ran out its 30 s would end as a WaitTimeoutError, and this test at its 5 s limit.
  it('fails on a failure pattern instead of waiting out the timeout', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}steps:\n  - waitSerial: "login:"\n    timeout: 30s\n`, {
      timeline: [{ at: 50, serial: '[ 1.0] Kernel panic - not syncing: VFS\n' }],
    });
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.type).toBe('FailurePatternError');
    expect(results[0]!.error!.message).toMatch(/Kernel panic.*serial/);
  }, 5_000);

  it('matches failure patterns on the text screen too', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}steps:\n  - waitSerial: "never"\n    timeout: 20s\n`, {
      timeline: [{ at: 20, text: ['Booting from DVD/CD...', 'No bootable device.'] }],
    });
    expect(results[0]!.error!.type).toBe('FailurePatternError');
    expect(results[0]!.error!.message).toMatch(/on the screen/);
  });

  it('reports a crashed emulator as an infra error, not a failure', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}steps:\n  - waitText: "never"\n    timeout: 20s\n`, {
      timeline: [{ at: 30, crash: 'RangeError: offset is out of bounds' }],
    });
    expect(results[0]!.outcome).toBe('infra-error');
    expect(results[0]!.error!.type).toBe('MachineCrashedError');
    expect(results[0]!.error!.message).toMatch(/RangeError/);
    expect(exitCodeFor(results.map((r) => r.outcome))).toBe(3);
  });

  it('an emulator that cannot start is an infra error; an unsupported profile is skipped', async () => {
    project = new TempProject();
    const yaml = `${HEAD}backends: [qemu, v86]\nsteps:\n  - waitText: x\n`;
    const { results, machines } = await runFake(project, yaml, (backend) =>
      backend === 'qemu' ? { startError: new InfraError('qemu-system-i386 not found') } : {},
    );
    expect(results.find((r) => r.backend === 'qemu')!.outcome).toBe('infra-error');
    expect(machines.every((m) => m.stopped)).toBe(true);

    const skipped = await runFake(project, yaml, {}, {
      createMachine: (backend) => {
        throw new UnsupportedProfileError(backend, 'machine', 'no ISA-only board');
      },
    });
    expect(skipped.results.map((r) => r.outcome)).toEqual(['skipped', 'skipped']);
    expect(exitCodeFor(skipped.results.map((r) => r.outcome))).toBe(0);
  });

  it('ends the job at its overall timeout', async () => {
    project = new TempProject();
    const { results } = await runFake(project, 'image: {cdrom: ../disk.img}\ntimeout: 300ms\nsteps:\n  - waitText: never\n    timeout: 20s\n', {});
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.message).toMatch(/the whole job/);
  });

  it('an interrupt stops the machine and reports interrupted; queued jobs start no machine; the run exits 130', async () => {
    project = new TempProject();
    const controller = new AbortController();
    let waiting = 0;
    // Three profiles, two at once: the interrupt comes once both wait, while the third is queued.
    const onStep = () => ++waiting === 2 && setTimeout(() => controller.abort('SIGINT'), 50);
    const { results, machines } = await runFake(project, `${HEAD}profiles: [p3-i440fx, 486-isa, p5-i440fx]\nsteps:\n  - waitText: never\n    timeout: 20s\n`, {}, { signal: controller.signal, onStep });
    expect(results.map((r) => r.outcome)).toEqual(['interrupted', 'interrupted', 'interrupted']);
    expect(results[0]!.error!.message).toMatch(/interrupted by SIGINT/);
    expect(results[2]!.error!.message).toMatch(/before it started/);
    expect(results[2]!.phases[0]!.steps[0]!.outcome).toBe('not-run');
    expect(machines.length).toBe(2);
    expect(machines.every((m) => m.stopped)).toBe(true);
    expect(exitCodeFor(results.map((r) => r.outcome))).toBe(130);
  });

  it('a pass on retry is flaky, and every attempt is recorded', async () => {
    project = new TempProject();
    const { results } = await runFake(
      project,
      `${HEAD}steps:\n  - waitSerial: ready\n    timeout: 300ms\n`,
      (_backend, attempt) => (attempt === 1 ? {} : { timeline: [{ at: 10, serial: 'ready' }] }),
      { retries: 2 },
    );
    expect(results[0]!.outcome).toBe('flaky');
    expect(results[0]!.attempts.map((a) => a.outcome)).toEqual(['failed', 'passed']);
    expect(exitCodeFor(['flaky'])).toBe(0);
  });

  it('a declared expected failure with its evidence is an expected-failure; without the evidence it stays failed', async () => {
    project = new TempProject();
    const yaml = (evidence: string) =>
      `${HEAD}expect:\n  - outcome: failed\n    reason: kernel needs i686\n    evidence: "${evidence}"\nsteps:\n  - waitSerial: login\n    failOn: ["requires an i586 CPU"]\n`;
    const script = { timeline: [{ at: 10, serial: 'This kernel requires an i586 CPU, but only detected an i486 CPU.\n' }] };
    const expected = await runFake(project, yaml('only detected an i486'), script);
    expect(expected.results[0]!.outcome).toBe('expected-failure');
    expect(expected.results[0]!.expectedReason).toBe('kernel needs i686');
    const other = await runFake(project, yaml('cmov'), script);
    expect(other.results[0]!.outcome).toBe('failed');
  });

  it('an excluded backend × profile is skipped with its reason and never boots; the rest of the matrix runs', async () => {
    project = new TempProject();
    const { results, machines } = await runFake(
      project,
      `${HEAD}backends: [qemu, v86]\nexclude:\n  - {backend: v86, reason: this guest needs a VMware hypervisor}\nsteps:\n  - waitSerial: ok\n`,
      { timeline: [{ at: 5, serial: 'ok' }] },
    );
    const byBackend = Object.fromEntries(results.map((r) => [r.backend, r]));
    expect(byBackend.qemu!.outcome).toBe('passed');
    expect(byBackend.v86!.outcome).toBe('skipped');
    expect(byBackend.v86!.error!.message).toMatch(/exclude: this guest needs a VMware hypervisor/);
    expect(machines.map((m) => m.backend)).toEqual(['qemu']);
  });

  it('an expected failure that passes is a failure, so stale expectations do not linger', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}expect:\n  - {outcome: failed, reason: was broken}\nsteps:\n  - waitSerial: ok\n`, {
      timeline: [{ at: 5, serial: 'ok' }],
    });
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.type).toBe('UnexpectedPassError');
  });

  it('a phase over its budget fails even though its steps passed', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}phases:\n  - name: boot\n    budget: 100ms\n    steps:\n      - waitSerial: ok\n`, {
      timeline: [{ at: 300, serial: 'ok' }],
    });
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.type).toBe('BudgetExceededError');
  });

  it('keeps the serial log and last frame of a failed job in the report folder', async () => {
    project = new TempProject();
    const { results, reportDir } = await runFake(project, `${HEAD}steps:\n  - waitSerial: never\n    timeout: 200ms\n`, {
      timeline: [{ at: 5, serial: 'SeaBIOS\r\nBooting from CD\r\n' }],
    });
    const job = results[0]!;
    expect(readFileSync(join(reportDir, job.artifacts.serialLog!), 'utf8')).toBe('SeaBIOS\nBooting from CD\n');
    expect(existsSync(join(reportDir, job.artifacts.lastFrame!))).toBe(true);
    expect(job.error!.message).toMatch(/last seen: SeaBIOS Booting from CD/);
  });
});

describe('filmstrip', () => {
  const frame = (v: number) => ({ width: 4, height: 4, data: new Uint8Array(64).fill(v) });

  it('is written for a failed job, deduplicated, and not for a passing one unless asked', async () => {
    project = new TempProject();
    const timeline = [0, 150, 300, 450].map((at, i) => ({ at, frame: frame(i % 2 ? 200 : 10) }));
    const failing = await runFake(project, `${HEAD}steps:\n  - waitSerial: never\n    timeout: 700ms\n`, { timeline }, { filmstrip: 'on-failure' });
    const job = failing.results[0]!;
    expect(job.artifacts.filmstrip).toMatch(/filmstrip\.webp$/);
    const sharp = (await import('sharp')).default;
    const meta = await sharp(join(failing.reportDir, job.artifacts.filmstrip!), { animated: true }).metadata();
    expect(meta.pages ?? 1).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(failing.reportDir, job.artifacts.contactSheet!))).toBe(true);

    const passing = await runFake(project, `${HEAD}steps:\n  - waitSerial: ok\n`, { timeline: [{ at: 5, serial: 'ok' }] }, { filmstrip: 'on-failure' });
    expect(passing.results[0]!.artifacts.filmstrip).toBeUndefined();
    const always = await runFake(project, `${HEAD}steps:\n  - waitSerial: ok\n`, { timeline: [{ at: 5, serial: 'ok' }] }, { filmstrip: 'always' });
    expect(always.results[0]!.artifacts.filmstrip).toBeDefined();
  });
});

describe('media a job gets', () => {
  it('a blank disk is a fresh writable file of the declared size, gone after the job', async () => {
    project = new TempProject();
    const seen: { disk?: string; writable?: boolean; size?: number }[] = [];
    const { FakeMachine } = await import('../../harness/machine/fake/fake-machine.js');
    const { statSync } = await import('node:fs');
    const { results } = await runFake(project, 'image:\n  cdrom: ../disk.img\n  disk: {blank: 8MiB}\nsteps:\n  - reboot: true\n', {}, {
      createMachine: (backend, spec) => {
        seen.push({ disk: spec.media.disk, writable: spec.media.diskWritable, size: statSync(spec.media.disk!).size });
        return new FakeMachine(backend);
      },
    });
    expect(results[0]!.outcome).toBe('passed');
    expect(seen[0]).toMatchObject({ writable: true, size: 8 << 20 });
    expect(existsSync(seen[0]!.disk!)).toBe(false);
  });
});
