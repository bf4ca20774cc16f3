/**
 * Boot failures found fast, on real QEMU and v86 with boot-sector guests (tests/support/serial-guests.ts),
 * in one run of the compiled CLI: a guest that halts for good and one that spins with interrupts
 * off end their 60 s waits as stalls after 3 s; one that works quietly for 8 s (longer than the
 * stall time) passes; a triple fault (QEMU) or a pulled reset line (v86) loops and fails as a
 * reset loop with the frames before the resets. v86 does not emulate a triple fault's reset: it
 * panics ("Unimplemented: #GP handler"), and the job is a crash.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJobs, runCli } from '../support/run-cli.js';
import { haltFloppy, quietWorkFloppy, resetLineFloppy, spinFloppy, tripleFaultFloppy } from '../support/serial-guests.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-stalls-');

describe('stalls and reset loops on real emulators', () => {
  it('ends hangs after the stall time, lets quiet work go on, and fails reset loops at once', async () => {
    const dir = join(work, 'project');
    mkdirSync(dir, { recursive: true });
    const guests = { halt: haltFloppy(), spin: spinFloppy(), quiet: quietWorkFloppy(8), triple: tripleFaultFloppy(), 'reset-line': resetLineFloppy() };
    for (const [name, image] of Object.entries(guests)) writeFileSync(join(dir, `${name}.img`), image);
    const scenario = (name: string, backends: string, body: string) =>
      writeFileSync(join(dir, `${name}.yaml`), `image: {floppy: ${name}.img}\nprofile: p3-i440fx\nbackends: [${backends}]\nstall: 3s\n${body}`);
    const wait = (first: string) => `steps:\n  - waitSerial: "${first}"\n  - waitSerial: "DONE"\n    timeout: 60s\n`;
    scenario('halt', 'qemu, v86', wait('HALT'));
    scenario('spin', 'qemu, v86', wait('SPIN'));
    scenario('quiet', 'qemu, v86', wait('QUIET'));
    scenario('triple', 'qemu, v86', `maxResets: 3\n${wait('TRIPLE')}`);
    scenario('reset-line', 'v86', `maxResets: 3\n${wait('RESET')}`);
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
    });
    for (const backend of ['qemu', 'v86']) {
      const halt = jobs[`halt--${backend}--p3-i440fx`]!;
      expect(halt.error!.message).toMatch(/stalled: no serial output and no screen change for 3\.0 s; the CPU was halted at [0-9a-f]+:0*7c[0-9a-f]{2} with interrupts off/);
      // The step ended at the stall, not at its 60 s timeout.
      expect(halt.phases[0]!.steps[1]!.durationMs).toBeLessThan(10_000);
      expect(jobs[`spin--${backend}--p3-i440fx`]!.error!.message).toMatch(/the CPU spun in place at [0-9a-f]+:0*7c[0-9a-f]{2} with interrupts off/);
    }
    for (const id of ['triple--qemu--p3-i440fx', 'reset-line--v86--p3-i440fx']) {
      const job = jobs[id]!;
      expect(job.error!.message).toMatch(/the guest reset the machine 4 times \(maxResets: 3\)/);
      expect(job.guestResets).toHaveLength(4);
      expect(Object.keys(job.error!.artifacts ?? {})).toContain('beforeReset4');
    }
    expect(jobs['triple--v86--p3-i440fx']!.error!.message).toMatch(/Unimplemented: #GP handler|unreachable/);
    expect(run.stdout).toMatch(/FAIL .*halt--qemu--p3-i440fx .* stall/);
    // Nine boots, two at a time: the hangs cost their 3 s stall time, not their 60 s timeouts.
    expect(wallMs).toBeLessThan(90_000);
  }, 180_000);
});
