/**
 * Boot failures found fast, on real QEMU and v86 with boot-sector guests (tests/support/serial-guests.ts),
 * in one run of the compiled CLI: a guest that halts for good and one that spins with interrupts
 * off end their 60 s waits as stalls after 3 s; one that works quietly for 8 s (longer than the
 * stall time) passes; a triple fault (QEMU) or a pulled reset line (v86) loops and fails as a
 * reset loop with the frames before the resets. v86 does not emulate a triple fault's reset: it
 * panics ("Unimplemented: #GP handler"), and the job is a crash. A guest that paints a blue STOP
 * screen fails its wait at once through `failOnScreen`, by a region golden (a patch of that blue,
 * found anywhere) or by its text.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJobs, runCli } from '../support/run-cli.js';
import { writePng } from '../../harness/screen/png-file.js';
import { haltFloppy, quietWorkFloppy, resetLineFloppy, spinFloppy, stopScreenFloppy, tripleFaultFloppy } from '../support/serial-guests.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-stalls-');

/** A text screen's blue (VGA colour 1: QEMU draws 0,0,170, v86 0,0,168), as a region golden found anywhere. */
async function blueScreenGolden(dir: string): Promise<void> {
  const [width, height] = [720, 400];
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([0, 0, 170, 255], i);
  mkdirSync(join(dir, 'golden-screens/stop-golden'), { recursive: true });
  await writePng(join(dir, 'golden-screens/stop-golden/blue-screen.png'), { width, height, data });
  writeFileSync(join(dir, 'golden-screens/stop-golden/blue-screen.regions.yaml'), 'areas:\n  - { x: 0, y: 0, width: 64, height: 32, searchArea: screen, similarity: 0.97 }\n');
}

describe('stalls, reset loops and failure screens on real emulators', () => {
  it('ends hangs after the stall time, lets quiet work go on, and fails reset loops and failure screens at once', async () => {
    const dir = join(work, 'project');
    mkdirSync(dir, { recursive: true });
    const guests = { halt: haltFloppy(), spin: spinFloppy(), quiet: quietWorkFloppy(8), triple: tripleFaultFloppy(), 'reset-line': resetLineFloppy(), stop: stopScreenFloppy() };
    for (const [name, image] of Object.entries(guests)) writeFileSync(join(dir, `${name}.img`), image);
    const scenario = (name: string, backends: string, body: string, image = name) =>
      writeFileSync(join(dir, `${name}.yaml`), `image: {floppy: ${image}.img}\nprofile: p3-i440fx\nbackends: [${backends}]\n${body}`);
    const wait = (first: string) => `steps:\n  - waitSerial: "${first}"\n  - waitSerial: "DONE"\n    timeout: 60s\n`;
    scenario('halt', 'qemu, v86', `stall: 3s\n${wait('HALT')}`);
    scenario('spin', 'qemu, v86', `stall: 3s\n${wait('SPIN')}`);
    scenario('quiet', 'qemu, v86', `stall: 3s\n${wait('QUIET')}`);
    scenario('triple', 'qemu, v86', `maxResets: 3\n${wait('TRIPLE')}`);
    scenario('reset-line', 'v86', `maxResets: 3\n${wait('RESET')}`);
    await blueScreenGolden(dir);
    scenario('stop-golden', 'qemu, v86', `failOnScreen: [blue-screen]\n${wait('STOP')}`, 'stop');
    scenario('stop-text', 'qemu, v86', `failOnScreen: [{text: "STOP: 0x0000007B"}]\n${wait('STOP')}`, 'stop');
    const report = join(work, 'report');
    const started = performance.now();
    const run = await runCli(['run', dir, '--report-dir', report, '--jobs', '2']);
    const wallMs = performance.now() - started;
    const jobs = Object.fromEntries(readJobs(report).map((j) => [j.id, j]));
    const summary = Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, `${j.outcome} ${j.error?.kind ?? ''}`.trim()]));
    expect(summary, run.stdout).toEqual({
      'halt--qemu--p3-i440fx': 'failed stall',
      'halt--v86--p3-i440fx': 'failed stall',
      'spin--qemu--p3-i440fx': 'failed stall',
      'spin--v86--p3-i440fx': 'failed stall',
      'quiet--qemu--p3-i440fx': 'passed',
      'quiet--v86--p3-i440fx': 'passed',
      'triple--qemu--p3-i440fx': 'failed reset-loop',
      'triple--v86--p3-i440fx': 'infra-error crash',
      'reset-line--v86--p3-i440fx': 'failed reset-loop',
      'stop-golden--qemu--p3-i440fx': 'failed failure-screen',
      'stop-golden--v86--p3-i440fx': 'failed failure-screen',
      'stop-text--qemu--p3-i440fx': 'failed failure-screen',
      'stop-text--v86--p3-i440fx': 'failed failure-screen',
    });
    for (const backend of ['qemu', 'v86']) {
      const golden = jobs[`stop-golden--${backend}--p3-i440fx`]!;
      expect(golden.error!.message).toMatch(/failure screen blue-screen showed up/);
      expect(golden.error!.artifacts?.actual).toMatch(/failure-screen\.png$/);
      expect(jobs[`stop-text--${backend}--p3-i440fx`]!.error!.message).toMatch(/failure screen STOP: 0x0000007B showed up: \*\*\* STOP: 0x0000007B/);
      for (const kind of ['golden', 'text']) expect(jobs[`stop-${kind}--${backend}--p3-i440fx`]!.phases[0]!.steps[1]!.durationMs).toBeLessThan(5_000);
    }
    for (const backend of ['qemu', 'v86']) {
      const halt = jobs[`halt--${backend}--p3-i440fx`]!;
      expect(halt.error!.message).toMatch(/stalled: no serial output and no screen change for 3\.0 s; the CPU was halted at [0-9a-f]+:0*7c[0-9a-f]{2} with interrupts off/);
      // The step ended at the stall, not at its 60 s timeout.
      expect(halt.phases[0]!.steps[1]!.durationMs).toBeLessThan(10_000);
      expect(jobs[`spin--${backend}--p3-i440fx`]!.error!.message).toMatch(/the CPU spun in place at [0-9a-f]+:0*7c[0-9a-f]{2} with interrupts off/);
    }
    for (const id of ['triple--qemu--p3-i440fx', 'reset-line--v86--p3-i440fx']) {
      const job = jobs[id]!;
      // A loop resets every ~0.1 s, faster than waits look: it ends at the first look past 3.
      const times = Number(/the guest reset the machine (\d+) times \(maxResets: 3\)/.exec(job.error!.message)?.[1]);
      expect(times).toBeGreaterThanOrEqual(4);
      expect(job.guestResets).toHaveLength(times);
      expect(Object.keys(job.error!.artifacts ?? {})).toContain('beforeReset4');
    }
    expect(jobs['triple--v86--p3-i440fx']!.error!.message).toMatch(/Unimplemented: #GP handler|unreachable/);
    expect(run.stdout).toMatch(/FAIL .*halt--qemu--p3-i440fx .* stall/);
    // Thirteen boots, two at a time: the hangs cost their 3 s stall time, not their 60 s timeouts.
    expect(wallMs).toBeLessThan(90_000);
  }, 180_000);
});
