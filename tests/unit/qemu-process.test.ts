import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QemuProcess } from '../../harness/machine/qemu/qemu-process.js';
import { tempDirForEach } from '../support/temp-dir.js';

describe('QemuProcess.start with FIFOs', () => {
  const dir = tempDirForEach('bg-qemu-process-test-');

  it('makes the FIFOs (mode 600) before the program runs, and hands it its arguments untouched', async () => {
    const [fifoIn, fifoOut] = [join(dir(), 'serial 0.in'), join(dir(), 'serial 0.out')];
    // The stand-in for QEMU reports what it was given and whether the FIFOs were there already.
    const proc = QemuProcess.start('/bin/sh', ['-c', 'test -p "$1" && test -p "$2" && printf "%s|" "$@" >&2', 'sh', fifoIn, fifoOut, "it's $HOME"], { cwd: dir(), fifos: [fifoIn, fifoOut] });
    const exit = await proc.exited;
    expect(exit.code).toBe(0);
    expect(proc.stderrTail()).toBe(`${fifoIn}|${fifoOut}|it's $HOME|`);
    for (const fifo of [fifoIn, fifoOut]) {
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect(statSync(fifo).mode & 0o777).toBe(0o600);
    }
  });

  it('ends with mkfifo\'s own words when a FIFO cannot be made, without running the program', async () => {
    const marker = join(dir(), 'ran');
    const proc = QemuProcess.start('/bin/sh', ['-c', `touch ${marker}`], { cwd: dir(), fifos: [join(dir(), 'missing/serial0.in')] });
    const exit = await proc.exited;
    expect(exit.code).not.toBe(0);
    expect(proc.stderrTail()).toMatch(/mkfifo: cannot create fifo .*missing\/serial0\.in/);
    expect(() => statSync(marker)).toThrow();
  });
});
