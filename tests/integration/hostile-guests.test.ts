/**
 * Guests that try to exhaust bootgate: one floods its serial port, one redraws its screen
 * without end. bootgate's memory must stay flat, and the job must still end at its timeout with
 * its evidence saved. Runs the compiled CLI, as a user does, and samples its RSS from /proc.
 *
 * An emulated UART moves one byte per port write (QEMU ~0.1 MB/s on this 2-core host, v86
 * ~0.2 MB/s), so no real guest prints hundreds of MB in a test's time. The flood test therefore
 * also pushes 200 MB into the very FIFO QEMU writes the guest's serial port to: bootgate's
 * reading side cannot tell those bytes from the guest's.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { qemuSerialFifoBase } from '../support/qemu-argv.js';
import { qemuPidsUnder } from '../support/qemu-processes.js';
import { screenFlipFloppy, serialFloodFloppy } from '../support/serial-guests.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/bootgate');
const work = mkdtempSync(join(tmpdir(), 'bootgate-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MB = 1e6;
const PUSHED_BYTES = 200 * MB;

interface Sampled {
  readonly code: number | null;
  readonly stdout: string;
  /** The CLI process's peak RSS (VmHWM) at the last sample before it ended. */
  readonly peakRss: number;
  /** Its RSS when the push began, and the highest RSS sampled until it ended. */
  readonly rssAtMark: number | undefined;
  readonly peakWhilePushing: number;
}

/** Runs bootgate, sampling its RSS every 100 ms; `whileRunning` gets its pid. */
function runSampled(args: string[], whileRunning: (pid: number, mark: () => void) => Promise<void>): Promise<Sampled> {
  let marked = false;
  let pushed = false;
  let peakWhilePushing = 0;
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, args, { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    let peakRss = 0;
    let rss = 0;
    let rssAtMark: number | undefined;
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /^VmHWM:\s+(\d+)/m.exec(status);
        const now = /^VmRSS:\s+(\d+)/m.exec(status);
        // A process that has ended but is not reaped yet has no memory lines: keep the last figures.
        if (hwm && now) {
          peakRss = Number(hwm[1]) * 1024;
          rss = Number(now[1]) * 1024;
          if (marked && !pushed) peakWhilePushing = Math.max(peakWhilePushing, rss);
        }
      } catch {
        // ended
      }
    };
    const timer = setInterval(sample, 100);
    whileRunning(child.pid!, () => {
      sample();
      rssAtMark ??= rss;
      marked = true;
    }).then(() => {
      sample();
      pushed = true;
    }, reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, peakRss, rssAtMark, peakWhilePushing });
    });
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The serial FIFO QEMU writes to, once the QEMU under `pid` runs. */
function serialFifoOf(pid: number): string | undefined {
  const [qemu] = qemuPidsUnder(pid);
  return qemu === undefined ? undefined : `${qemuSerialFifoBase(qemu)}.out`;
}

/** Writes `bytes` of 79-character lines into the FIFO, as fast as bootgate reads them. */
function pushInto(fifo: string, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const line = `${'y'.repeat(79)}\n`;
    const child = spawn('sh', ['-c', `yes '${line.trimEnd()}' | head -c ${bytes} > "$1"`, 'sh', fifo], { stdio: 'ignore' });
    // If the job ends first, its reader goes and the push ends early: the artifact sizes tell.
    child.on('close', () => resolve());
    child.on('error', reject);
  });
}

function results(reportDir: string): { jobs: { id: string; outcome: string; error?: { message: string }; artifacts?: Record<string, string> }[] } {
  return JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8'));
}

describe('hostile guests', () => {
  it(`a guest flooding its serial port (plus ${PUSHED_BYTES / MB} MB pushed into its FIFO) leaves bootgate's memory flat and ends at the job's timeout with its log saved`, async () => {
    const project = mkdtempSync(join(work, 'flood-'));
    writeFileSync(join(project, 'flood.img'), serialFloodFloppy());
    const scenario = join(project, 'flood.yaml');
    writeFileSync(scenario, [
      'image: {floppy: flood.img}',
      'profile: p3-i440fx',
      'backends: [qemu]',
      'timeout: 90s',
      'steps:',
      '  - waitSerial: "FLOOD"',
      '  - waitSerial: "never printed"',
      '    timeout: 300s',
    ].join('\n'));
    const report = join(project, 'report');
    const started = Date.now();
    const run = await runSampled(['run', scenario, '--report-dir', report], async (pid, mark) => {
      const fifo = await until('QEMU serial FIFO', 30_000, () => serialFifoOf(pid));
      // The guest is flooding by now or soon: the baseline is a running job with a serial log.
      await new Promise((r) => setTimeout(r, 3000));
      mark();
      await pushInto(fifo, PUSHED_BYTES);
    });
    const seconds = (Date.now() - started) / 1000;
    const [job] = results(report).jobs;
    expect(job?.outcome, run.stdout).toBe('failed');
    expect(job?.error?.message).toMatch(/timeout|timed out|60 ?s/i);
    // Ended at its timeout (90 s), not after the 300 s wait.
    expect(seconds).toBeLessThan(150);
    const raw = statSync(join(report, job!.artifacts!['serialRaw']!)).size;
    const log = statSync(join(report, job!.artifacts!['serialLog']!)).size;
    expect(raw).toBeGreaterThan(PUSHED_BYTES);
    expect(log).toBeGreaterThan(PUSHED_BYTES);
    expect(run.rssAtMark).toBeGreaterThan(0);
    const growth = run.peakWhilePushing - run.rssAtMark!;
    console.log(`flood: ${(raw / MB).toFixed(0)} MB of serial in ${seconds.toFixed(0)} s; bootgate RSS ${(run.rssAtMark! / MB).toFixed(0)} MB before the push, at most ${(run.peakWhilePushing / MB).toFixed(0)} MB during it (+${(growth / MB).toFixed(0)} MB); peak of the whole run ${(run.peakRss / MB).toFixed(0)} MB (the report and filmstrip at the end included)`);
    // Flat: what is kept for matching is bounded (~9 MB); the rest of the swing (60-80 MB seen) is garbage between
    // collections. Before the log spilled to disk, 100 MB of serial took 3.9 GB.
    expect(growth).toBeLessThan(120 * MB);
  }, 240_000);

  it('a guest redrawing its screen without end keeps bootgate under a fixed memory bound and ends at the timeout with its filmstrip and last frame', async () => {
    const project = mkdtempSync(join(work, 'flip-'));
    writeFileSync(join(project, 'flip.img'), screenFlipFloppy());
    const scenario = join(project, 'flip.yaml');
    writeFileSync(scenario, [
      'image: {floppy: flip.img}',
      'profile: p3-i440fx',
      'backends: [qemu]',
      'timeout: 30s',
      'steps:',
      '  - waitSerial: "FLIP"',
      '  - waitText: "never shown"',
      '    timeout: 300s',
    ].join('\n'));
    const report = join(project, 'report');
    const started = Date.now();
    const run = await runSampled(['run', scenario, '--report-dir', report, '--filmstrip', 'always'], async (_pid, mark) => mark());
    const seconds = (Date.now() - started) / 1000;
    const [job] = results(report).jobs;
    expect(job?.outcome, run.stdout).toBe('failed');
    expect(seconds).toBeLessThan(90);
    for (const artifact of ['filmstrip', 'lastFrame']) expect(statSync(join(report, job!.artifacts![artifact]!)).size).toBeGreaterThan(0);
    console.log(`screen flips: job ended after ${seconds.toFixed(0)} s; bootgate peak RSS ${(run.peakRss / MB).toFixed(0)} MB`);
    // Frames are not accumulated raw (the filmstrip keeps ≤ 32 MB of PNGs): the whole run stays in the flood's range.
    expect(run.peakRss).toBeLessThan(400 * MB);
  }, 180_000);
});
