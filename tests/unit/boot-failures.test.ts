/**
 * Stalls, reset loops and failure screens on the fake machine: a wait ends early when nothing
 * moved (no serial, no screen change, a CPU halted or frozen) and not when the CPU works quietly;
 * guest resets are counted, reported, and past `maxResets` fail the job; a failure screen (a
 * golden or a text) ends a wait at once; every reporter names the kind of failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writePng } from '../../harness/screen/png-file.js';
import { BLANK_FRAME } from '../../harness/machine/fake/fake-machine.js';
import { githubSummary } from '../../harness/report/github-actions.js';
import { renderJunit } from '../../harness/report/junit-reporter.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const HEAD = 'image: {cdrom: ../disk.img}\n';
const HALTED = { halted: true, interrupts: false, state: 'eax=0' } as const;
const OPTIONS = { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 };

describe('stall detection', () => {
  it('ends a wait on a guest halted for good long before the timeout, and says so', async () => {
    project = new TempProject();
    const started = performance.now();
    const { results } = await runFake(project, `${HEAD}stall: 1500ms\nsteps:\n  - waitSerial: DONE\n    timeout: 30s\n`, {
      timeline: [{ at: 0, serial: 'HALT\n', cpu: HALTED }],
    });
    const job = results[0]!;
    expect(job.outcome).toBe('failed');
    expect(job.error).toMatchObject({ type: 'StalledError', kind: 'stall' });
    expect(job.error!.message).toMatch(/no serial output and no screen change for 1\.5 s; the CPU was halted at 0000:00007c00 with interrupts off .*serial ends: HALT/);
    expect(performance.now() - started).toBeLessThan(6000);
  }, 10_000);

  it('calls a CPU that spins in place a stall too', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}stall: 1500ms\nsteps:\n  - waitSerial: DONE\n    timeout: 30s\n`, {
      timeline: [{ at: 0, cpu: { halted: false, interrupts: false, state: 'eip=7c21' } }],
    });
    expect(results[0]!.error!.message).toMatch(/the CPU spun in place at 0000:00007c00 with interrupts off \(it can never go on by itself\), its registers unchanged/);
  }, 10_000);

  it('lets a guest that works quietly, or only changes its screen, go on', async () => {
    project = new TempProject();
    const screens = [500, 1000, 1500, 2000, 2500].map((at) => ({ at, text: [`step ${at}`], cpu: HALTED }));
    const { results } = await runFake(project, `${HEAD}stall: 1500ms\nsteps:\n  - waitSerial: DONE\n    timeout: 10s\n  - waitSerial: AGAIN\n    timeout: 10s\n`, {
      // Busy without a word until 2.6 s (the fake's CPU changes at every look), then halted but drawing.
      timeline: [{ at: 2600, serial: 'DONE\n' }, ...screens.map((s) => ({ ...s, at: s.at + 2600 })), { at: 5400, serial: 'AGAIN\n' }],
    });
    expect(results[0]!.outcome).toBe('passed');
  }, 15_000);

  it('leaves a wait for a still screen alone: a still, halted guest is what it waits for', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}stall: 1s\nsteps:\n  - waitStill: {for: 2500ms, allowBlank: true}\n    timeout: 5s\n`, { timeline: [{ at: 0, cpu: HALTED }] });
    expect(results[0]!.error?.message).toBeUndefined();
  }, 10_000);

  it('is turned off for a step with stall: false', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}stall: 1s\nsteps:\n  - waitSerial: DONE\n    timeout: 3s\n    stall: false\n`, {
      timeline: [{ at: 0, cpu: HALTED }, { at: 2500, serial: 'DONE' }],
    });
    expect(results[0]!.outcome).toBe('passed');
  }, 10_000);
});

describe('reset loops', () => {
  const resets = [100, 200, 300].map((at) => ({ at, guestReset: true as const }));

  it('counts the guest resets and reports them', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}steps:\n  - waitSerial: up\n`, { timeline: [...resets, { at: 400, serial: 'up' }] });
    expect(results[0]!.outcome).toBe('passed');
    expect(results[0]!.guestResets).toHaveLength(3);
  });

  it('fails the job past maxResets at once, as a reset loop, and every report names the kind', async () => {
    project = new TempProject();
    const started = performance.now();
    const { results } = await runFake(project, `${HEAD}maxResets: 2\nsteps:\n  - waitSerial: up\n    timeout: 30s\n`, { timeline: resets });
    const job = results[0]!;
    expect(job.error).toMatchObject({ type: 'ResetLoopError', kind: 'reset-loop' });
    expect(job.error!.message).toMatch(/reset the machine 3 times \(maxResets: 2\)/);
    expect(performance.now() - started).toBeLessThan(3000);
    const run = buildRunResult(results, new Date(), 1000, OPTIONS);
    expect(renderJunit(run)).toMatch(/<failure type="reset-loop"/);
    expect(renderJunit(run)).toMatch(/<property name="guest resets" value="3 \(at 0\.\d s, 0\.\d s, 0\.\d s\)"\/>/);
    expect(githubSummary(run, [], project.dir)).toMatch(/\*\*fake--qemu--p3-i440fx\*\*: failed \(reset-loop\)/);
  });
});

describe('failure screens', () => {
  const blue = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 2 || i % 4 === 3 ? 255 : 0)) };

  it('end a serial wait at once when a golden matches the screen, with the frame kept', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/blue-screen.png'), blue);
    const started = performance.now();
    const { results } = await runFake(project, `${HEAD}failOnScreen: [blue-screen]\nsteps:\n  - waitSerial: login\n    timeout: 30s\n`, {
      timeline: [{ at: 0, text: null, frame: BLANK_FRAME }, { at: 300, frame: blue }],
    });
    expect(results[0]!.error).toMatchObject({ type: 'FailureScreenError', kind: 'failure-screen' });
    expect(results[0]!.error!.artifacts?.actual).toMatch(/failure-screen\.png$/);
    expect(performance.now() - started).toBeLessThan(4000);
  }, 10_000);

  it('end a wait on a text screen that shows the text, per step too; a missing golden is a config error', async () => {
    project = new TempProject();
    const text = await runFake(project, `${HEAD}steps:\n  - waitSerial: login\n    timeout: 30s\n    failOnScreen: [{text: "STOP: 0x0000007B"}]\n`, {
      timeline: [{ at: 200, text: ['', '*** STOP: 0x0000007B (0xF78D2524)'] }],
    });
    expect(text.results[0]!.error!.message).toMatch(/failure screen STOP: 0x0000007B showed up: \*\*\* STOP/);
    const missing = await runFake(project, `${HEAD}phases:\n  - name: boot\n    failOnScreen: [nowhere]\n    steps:\n      - waitSerial: login\n`, { timeline: [{ at: 0, text: null }] });
    expect(missing.results[0]!.outcome).toBe('config-error');
    expect(missing.results[0]!.error!.message).toMatch(/failOnScreen: no such golden: .*nowhere/);
  }, 10_000);
});
