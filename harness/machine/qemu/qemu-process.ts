/**
 * One QEMU process: spawned in its own process group (so a terminal Ctrl-C reaches bootgate,
 * which then stops QEMU in order, and so one kill ends everything QEMU might have started),
 * its stderr kept as a short tail for crash messages, always reaped.
 *
 * Three layers make sure it never outlives us: stop() (QMP quit → SIGTERM → SIGKILL), the
 * process-wide cleanup registry (exit, unhandled signals, the CLI's second Ctrl-C), and a
 * kernel parent-death signal via `setpriv --pdeathsig` for the case nothing can catch: Node
 * itself being SIGKILLed. (The kernel ties that signal to the spawning *thread*: a machine
 * started from a worker_thread dies with that worker, which is what we want anyway.) A QEMU that
 * drops root (`-runas`) loses that signal when its user changes, so a watchdog of bootgate's
 * own user, which keeps it, ends QEMU's group for it.
 */
import { execa, type ResultPromise } from 'execa';
import { setTimeout as delay } from 'node:timers/promises';
import { InfraError } from '../../errors.js';
import { registerCleanup } from '../cleanup-registry.js';
import { findExecutable } from './find-executable.js';

export interface QemuExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Human-readable: "exited with code 1" / "killed by SIGKILL". */
  readonly description: string;
}

export interface QemuStopOptions {
  /** Asks QEMU to quit by itself first (QMP `quit`); its failure is ignored. */
  readonly quit?: () => Promise<unknown>;
  /** How long each polite step may take before the next, harder one. Default 2000 ms. */
  readonly graceMs?: number;
}

export interface QemuStartOptions {
  readonly cwd: string;
  /** FIFOs to make (mode 600) before QEMU starts. */
  readonly fifos?: readonly string[];
  /** Files QEMU gets open on descriptors 3, 4, ... in this order (qemuCommandLine's diskFds). */
  readonly files?: readonly { readonly path: string; readonly writable: boolean }[];
}

const STDERR_TAIL_BYTES = 4096;

export class QemuProcess {
  readonly exited: Promise<QemuExit>;
  private exit: QemuExit | undefined;
  private tail = '';
  private watchdog: ResultPromise | undefined;

  private constructor(
    private readonly subprocess: ResultPromise,
    readonly pid: number,
  ) {
    const unregister = registerCleanup(() => this.signalGroup('SIGKILL'));
    const keepTail = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    };
    subprocess.stderr?.on('data', keepTail);
    subprocess.stdout?.on('data', keepTail);
    this.exited = subprocess.then(
      (result) => this.onExit(result.exitCode ?? null, result.signal ?? null, unregister),
      (error: { exitCode?: number; signal?: string }) => this.onExit(error.exitCode ?? null, error.signal ?? null, unregister),
    );
  }

  /**
   * Spawns `binary argv`, after making `fifos` (mode 600) and opening `files` if given; throws if
   * the OS cannot start it. The caller checked the binary exists.
   */
  static start(binary: string, argv: readonly string[], options: QemuStartOptions): QemuProcess {
    const setpriv = parentDeathWrapper();
    const command = setpriv ? [setpriv, '--pdeathsig', 'SIGKILL', '--', binary, ...argv] : [binary, ...argv];
    const fifos = options.fifos ?? [];
    const files = options.files ?? [];
    const params = [...fifos, ...files.map((f) => f.path)];
    // Node has no mkfifo: a shell makes them and then becomes QEMU (exec keeps the pid, so the
    // process group and the parent-death signal are QEMU's). A separate mkfifo exec forked
    // bootgate's ~60 MiB process once more in front of every job: ~8 ms, measured. The same
    // shell opens `files`, as bootgate's user, on descriptors 3, 4, ... that QEMU inherits.
    const steps = [
      ...(fifos.length ? [`mkfifo -m 600 -- ${fifos.map((_, i) => `"\${${i + 1}}"`).join(' ')}`] : []),
      ...files.map((f, i) => `exec ${3 + i}${f.writable ? '<>' : '<'} "\${${fifos.length + i + 1}}"`),
      `shift ${params.length}`,
      'exec "$@"',
    ];
    const [file, args] = params.length ? ['/bin/sh', ['-c', steps.join(' && '), 'sh', ...params, ...command]] : [command[0]!, command.slice(1)];
    const subprocess = execa(file, args, {
      cwd: options.cwd,
      detached: true,
      cleanup: false, // execa's own cleanup ignores detached children; ours is the registry.
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
    });
    if (subprocess.pid === undefined) {
      // Spawning failed synchronously (ENOENT, EACCES...); execa reports it through the promise.
      void subprocess.catch(() => undefined);
      throw new InfraError(`cannot start ${binary} (is it installed? apt-get install qemu-system-x86)`);
    }
    const process_ = new QemuProcess(subprocess, subprocess.pid);
    if (setpriv && argv.includes('-runas')) process_.watchdog = startWatchdog(setpriv, subprocess.pid);
    return process_;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The last few KiB QEMU wrote to stderr/stdout: where it says why it stopped. */
  stderrTail(): string {
    return this.tail.trim();
  }

  /** Sends a signal to the whole process group. Synchronous and never throws (for exit handlers). */
  signalGroup(signal: NodeJS.Signals): void {
    if (this.exit) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // ESRCH: already gone.
    }
  }

  /** Ends QEMU: quit if it listens, then SIGTERM, then SIGKILL; resolves once it is reaped. */
  async stop(options: QemuStopOptions = {}): Promise<QemuExit> {
    const graceMs = options.graceMs ?? 2000;
    if (this.exit) return this.exit;
    if (options.quit) {
      await Promise.race([options.quit().catch(() => undefined), delay(graceMs, undefined, { ref: false })]);
      if (await this.exitsWithin(graceMs)) return this.exited;
    }
    this.signalGroup('SIGTERM');
    if (await this.exitsWithin(graceMs)) return this.exited;
    this.signalGroup('SIGKILL');
    return this.exited;
  }

  private async exitsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = await Promise.race([this.exited.then(() => true), timeout]);
    clearTimeout(timer);
    return done;
  }

  private onExit(code: number | null, signal: string | null, unregister: () => void): QemuExit {
    unregister();
    this.watchdog?.kill('SIGKILL');
    this.subprocess.stderr?.removeAllListeners('data');
    this.subprocess.stdout?.removeAllListeners('data');
    const description = signal ? `killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
    this.exit = { code, signal, description };
    return this.exit;
  }
}

/**
 * A shell that lives while QEMU's group does and, when bootgate dies (its own parent-death
 * signal, SIGTERM, which it traps), kills that group.
 */
function startWatchdog(setpriv: string, group: number): ResultPromise {
  // dash's kill takes a negative pid as the group, but not `--` before it.
  const script = 'trap \'kill -KILL -"$1" 2>/dev/null; exit 0\' TERM; while kill -0 -"$1" 2>/dev/null; do sleep 1 & wait $!; done';
  const watchdog = execa(setpriv, ['--pdeathsig', 'SIGTERM', '--', '/bin/sh', '-c', script, 'sh', String(group)], { stdio: 'ignore', cleanup: false, reject: false });
  void watchdog.catch(() => undefined);
  return watchdog;
}

let wrapper: string | null | undefined;

/** `setpriv` (util-linux) if present: it sets PR_SET_PDEATHSIG and execs QEMU under the same pid. */
function parentDeathWrapper(): string | undefined {
  if (wrapper === undefined) wrapper = findExecutable('setpriv') ?? null;
  return wrapper ?? undefined;
}
