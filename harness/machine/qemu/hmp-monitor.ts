/**
 * QEMU's human monitor (HMP) on its own unix socket, in readline mode. Lines written together are
 * all run in one turn of QEMU's main loop: 24 port reads take ~2.6 ms here, where QMP's
 * `human-monitor-command` runs one command per turn, ~0.8 ms each. An exact text-screen read is 24
 * of them with the guest paused, so this is what keeps that pause short.
 *
 * Readline mode echoes what it reads, redrawing the line as it grows, then prints the command's
 * output and a prompt. So a batch of N lines is done after N prompts, and each command's output is
 * what follows the first line break of its part.
 */
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from '../../errors.js';
import { QmpError } from './qmp-error.js';

const PROMPT = '(qemu) ';
/** HMP reports failure as text (docs/architecture.md, "Monitors"): `Error: ...`, `unknown command: 'x'`, argument errors. */
const FAILURE = /^(Error:|unknown command:)|Try "help /m;

export class HmpMonitor {
  private buffer = '';
  private waiter: (() => void) | undefined;
  private closedReason: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiter?.();
    });
    const closed = (reason: string) => {
      this.closedReason ??= reason;
      this.waiter?.();
    };
    socket.on('error', (e) => closed(`connection lost (${e.message})`));
    socket.on('close', () => closed('connection closed'));
  }

  /** Connects (retrying while QEMU starts, until the timeout or the signal) and reads the banner. */
  static async connect(path: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HmpMonitor> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    for (;;) {
      // The caller's reason (QEMU exited while starting) says more than a refused connection would.
      if (options.signal?.aborted) throw options.signal.reason;
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = createConnection(path, () => resolve(s));
          s.once('error', reject);
        });
        const monitor = new HmpMonitor(socket);
        await monitor.prompts(1, deadline);
        monitor.buffer = '';
        return monitor;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if ((code !== 'ENOENT' && code !== 'ECONNREFUSED') || Date.now() >= deadline) {
          throw new InfraError(`HMP monitor ${path}: ${(e as Error).message}`, { cause: e });
        }
        await sleep(5);
      }
    }
  }

  /** Runs the lines in order and returns each one's output. A line QEMU refuses is a QmpError; the others still ran. */
  run(lines: readonly string[]): Promise<string[]> {
    const batch = this.queue.then(() => this.runNow(lines));
    this.queue = batch.catch(() => undefined);
    return batch;
  }

  close(): void {
    this.socket.destroy();
  }

  private async runNow(lines: readonly string[]): Promise<string[]> {
    if (this.closedReason) throw new InfraError(`HMP: ${this.closedReason}`);
    if (lines.some((l) => l.includes('\n'))) throw new InfraError('HMP: a command line cannot hold a line break');
    this.buffer = '';
    this.socket.write(`${lines.join('\n')}\n`);
    await this.prompts(lines.length, Date.now() + 10_000);
    const parts = this.buffer.split(PROMPT).slice(0, lines.length);
    this.buffer = '';
    return parts.map((part, i) => {
      const output = part.slice(part.indexOf('\r\n') + 2).replace(/\r\n/g, '\n').trim();
      if (FAILURE.test(output)) throw new QmpError(`HMP "${lines[i]}"`, 'HmpError', output);
      return output;
    });
  }

  private async prompts(count: number, deadline: number): Promise<void> {
    while (this.buffer.split(PROMPT).length - 1 < count) {
      if (this.closedReason) throw new InfraError(`HMP: ${this.closedReason}`);
      if (Date.now() >= deadline) throw new InfraError(`HMP: QEMU did not answer ${count} command(s) in time`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }
}
