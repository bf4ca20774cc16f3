/**
 * `bootgate bisect` on real QEMU, kept short with a boot sector that makes the check an i686
 * kernel makes (CPUID says cmov, or it stops): between p3-i440fx and p5-i440fx the answer must
 * be cmov, found by one try per difference. The same search on the mini-shell preset's gate (a
 * real Debian kernel, ~2.5 minutes) is in docs/benchmarks.md, with the command to repeat it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { cmovCheckFloppy } from '../support/serial-guests.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-bisect-');

describe('bootgate bisect', () => {
  it('names cmov as what breaks a cmov-checking guest between p3-i440fx and p5-i440fx', async () => {
    writeFileSync(join(work, 'cmov.img'), cmovCheckFloppy());
    writeFileSync(join(work, 'cmov.yaml'), 'image: {floppy: cmov.img}\nfailOn: ["NO CMOV"]\nsteps:\n  - waitSerial: "CMOV OK"\n    timeout: 20s\n');
    const report = join(work, 'report');
    const run = await runCli(['bisect', join(work, 'cmov.yaml'), '--good', 'p3-i440fx', '--bad', 'p5-i440fx', '--report-dir', report]);
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/smallest failing set: cpu cmov on→off\n/);
    const result = JSON.parse(readFileSync(join(report, 'bisect.json'), 'utf8')) as {
      smallest: string[];
      failsAlone: string[];
      differences: string[];
      tries: { end?: string; applied: string[]; verdict: string; cpu: string; job: string }[];
    };
    expect(result.smallest).toEqual(['cpu cmov on→off']);
    expect(result.failsAlone).toEqual(['cpu cmov on→off']);
    expect(result.differences).toEqual(expect.arrayContaining(['cpu cmov on→off', 'memory 128→32', 'vga std→cirrus']));
    // The two ends, then each difference alone: only cmov's try failed, as a QEMU -cpu flag.
    expect(result.tries.map((t) => t.end ?? t.applied.join('+'))).toEqual(['good', 'bad', ...result.differences]);
    expect(result.tries.filter((t) => t.verdict === 'fail').map((t) => t.end ?? t.cpu)).toEqual(['bad', 'pentium3,cmov=off']);
    // Each try is an ordinary job with its own evidence.
    for (const t of result.tries) expect(existsSync(join(report, 'jobs', t.job, 'serial.log'))).toBe(true);
  }, 120_000);
});
