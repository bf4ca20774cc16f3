/**
 * Runs the compiled bin/bootgate as CI would (CI=1), collecting its output. npm test builds dist/
 * first (scripts/setup.sh); run `npm run build` before running an integration file alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunResult } from '../../harness/model/results.js';
import { alive, qemuPidsUnder } from './qemu-processes.js';

export const ROOT = join(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin/bootgate');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Added to the test's environment, after CI=1. */
  readonly env?: NodeJS.ProcessEnv;
  /** Past this the run is interrupted, then killed with its emulators, and the promise rejects. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** `pipe` to write to its standard input (repro's serial console). */
  readonly stdin?: 'ignore' | 'pipe';
}

export interface LiveCli {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Settles when the process has exited and closed its output; rejects past the timeout. */
  readonly exited: Promise<CliRun>;
}

/** Time the CLI gets after a Ctrl-C to stop its machines, before it and its QEMUs are killed. */
const GRACE_MS = 10_000;

/** Starts bootgate and hands back the running process, for tests that talk to it or interrupt it. */
export function startCli(args: readonly string[], o: CliOptions = {}): LiveCli {
  const timeoutMs = o.timeoutMs ?? 600_000;
  const child = spawn(CLI, args, { env: { ...process.env, CI: '1', ...o.env }, stdio: [o.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<CliRun>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(async () => {
      timedOut = true;
      // Ctrl-C first, so it stops its emulators itself. QEMU runs in a process group of its own,
      // so if that does not end the run, its QEMUs are killed before it is.
      child.kill('SIGINT');
      await sleep(GRACE_MS);
      if (child.exitCode !== null || child.signalCode !== null) return;
      for (const pid of qemuPidsUnder(child.pid!)) if (alive(pid)) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`bootgate ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr:\n${stderr.slice(-2000)}`));
      else resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs bootgate to its end. */
export function runCli(args: readonly string[], o: CliOptions = {}): Promise<CliRun> {
  return startCli(args, o).exited;
}

/** The results.json a run wrote to `reportDir`. */
export function readResults(reportDir: string): RunResult {
  return JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as RunResult;
}

/** Its jobs, or none when the run wrote no results (refused before any job). */
export function readJobs(reportDir: string): RunResult['jobs'] {
  return existsSync(join(reportDir, 'results.json')) ? readResults(reportDir).jobs : [];
}
