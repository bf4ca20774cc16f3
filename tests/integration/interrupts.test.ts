/**
 * The torture test of issue 17: runs that mix QEMU and v86 jobs are killed at random moments with
 * SIGINT, SIGTERM and SIGKILL, in one report folder. After each kill no emulator is left, every
 * verdict the run had printed is in its results.json, the input images and goldens are unchanged,
 * and the next run in that folder starts; after the last, a run there passes. Cheap jobs: a
 * boot-sector test card on both emulators and the GRUB CD on QEMU (some 7 s together, 2 at once).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mode13hFloppy } from '../support/boot-sector.js';
import { alive, qemuPidsUnder } from '../support/qemu-processes.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/bootgate');
const KILLS = 20;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;
const work = mkdtempSync(join(tmpdir(), 'bootgate-torture-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every QEMU the run started, seen while it ran. */
  readonly qemu: readonly number[];
  readonly ms: number;
}

function bootgate(args: readonly string[], kill?: { readonly afterMs: number; readonly signal: NodeJS.Signals }, env: NodeJS.ProcessEnv = { CI: '1' }): Promise<Run> {
  const started = performance.now();
  const child = spawn(CLI, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const qemu = new Set<number>();
  const watch = setInterval(() => qemuPidsUnder(child.pid!).forEach((pid) => qemu.add(pid)), 50);
  const timer = kill && setTimeout(() => child.kill(kill.signal), kill.afterMs);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, qemu: [...qemu], ms: performance.now() - started });
    }),
  );
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const hashes = (files: readonly string[]) => Object.fromEntries(files.map((f) => [f, sha(f)]));

/** Waits (briefly) for processes to go: QEMU ends on its parent-death signal a moment after a SIGKILL of bootgate. */
async function leftAlive(pids: readonly number[]): Promise<number[]> {
  for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

describe('bootgate killed at random moments', () => {
  it(`leaves no emulator, keeps finished verdicts and inputs, and never blocks the next run (${KILLS} kills)`, async () => {
    const card = join(work, 'card.img');
    writeFileSync(card, mode13hFloppy());
    writeFileSync(join(work, 'card.yaml'), 'image: {floppy: card.img}\nprofile: p3-i440fx\nbackends: [qemu, v86]\nstepTimeout: 30s\nsteps:\n  - waitScreen: card\n');
    const scenarios = [join(work, 'card.yaml'), join(ROOT, 'scenarios/grub-rescue/grub-rescue-cd.yaml')];
    const report = join(work, 'report');
    const args = ['run', ...scenarios, '--grep', '^(card|grub-rescue-cd--qemu)--', '--report-dir', report, '--jobs', '2', '--filmstrip', 'off'];
    mkdirSync(join(work, 'golden-screens'));

    // The test card's goldens, written once (not in CI mode), then only read.
    const first = await bootgate([...args, '--update-goldens', 'missing'], undefined, { CI: '' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const goldens = [join(work, 'golden-screens/card'), join(ROOT, 'golden-screens/grub-rescue-cd')].flatMap((dir) => readdirSync(dir).map((f) => join(dir, f)));
    expect(goldens.filter((f) => f.includes('/card/')).length).toBe(2);
    const inputs = hashes([card, '/usr/lib/grub-rescue/grub-rescue-cdrom.iso', ...goldens]);

    const figures = { kills: 0, endedFirst: 0, emulatorsSeen: 0, emulatorsLeft: 0, verdictsKept: 0 };
    for (let i = 0; i < KILLS; i++) {
      const signal = SIGNALS[i % SIGNALS.length]!;
      // Anywhere from while the bundle loads to the report being written.
      const run = await bootgate(args, { afterMs: 100 + Math.random() * first.ms, signal });
      figures.kills++;
      if (run.code === 0) figures.endedFirst++;
      const what = `kill ${i + 1} (${signal} after ${(run.ms / 1000).toFixed(1)} s)`;
      figures.emulatorsSeen += run.qemu.length;
      const left = await leftAlive(run.qemu);
      figures.emulatorsLeft += left.length;
      expect(left, `${what}: QEMU left running`).toEqual([]);
      expect(run.stdout + run.stderr, `${what}: the folder was refused`).not.toMatch(/not a bootgate report folder/);
      expect(run.stderr, `${what}: internal error`).not.toMatch(/internal error|\n\s+at /);
      const started = run.stdout.includes('job(s) from');
      // Before Node runs bin/bootgate at all, a signal can only have its default effect.
      if (signal === 'SIGKILL') expect(run.signal ?? run.code, what).toBe(run.code === 0 ? 0 : 'SIGKILL');
      else if (started) expect(run.code, `${what}: ${run.stderr}`).toSatisfy((c: number | null) => c === 130 || c === 0);
      else expect(run.code ?? run.signal, what).toSatisfy((c: number | string | null) => c === 130 || c === signal);
      if (!started) continue;
      expect(existsSync(join(report, 'results.json')), what).toBe(true);
      const results = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')) as { incomplete?: boolean; jobs: { id: string; outcome: string }[] };
      const outcomes = Object.fromEntries(results.jobs.map((j) => [j.id, j.outcome]));
      // Every verdict the console printed is in the report; a SIGINT/SIGTERM run's report is final.
      for (const [, id] of run.stdout.matchAll(/^PASS +\[\d+\/\d+\] (\S+)/gm)) {
        expect(outcomes[id!], `${what}: ${id}`).toBe('passed');
        figures.verdictsKept++;
      }
      if (signal !== 'SIGKILL') expect(results.incomplete, what).toBeUndefined();
      for (const outcome of Object.values(outcomes)) expect(['passed', 'interrupted'], what).toContain(outcome);
      expect(hashes(Object.keys(inputs)), `${what}: an input changed`).toEqual(inputs);
    }

    const last = await bootgate(args);
    expect(last.stderr).toBe('');
    expect(last.code).toBe(0);
    expect(last.stdout).toMatch(/^3 passed, 0 failed$/m);
    expect(hashes(Object.keys(inputs))).toEqual(inputs);
    console.log(`torture: ${figures.kills} kills (${figures.endedFirst} came after the run had ended), ${figures.emulatorsSeen} QEMU processes seen, ${figures.emulatorsLeft} left running, ${figures.verdictsKept} printed verdicts kept`);
  }, 600_000);
});
