/**
 * A bare QEMU for the preset integration tests: boots media with the serial port on stdio and
 * waits for text there. Deliberately independent of harness/machine, so these tests check the
 * images, not the backend. Always `kill()` in afterAll/afterEach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { poll } from '../support/poll.js';

export interface QemuOptions {
  readonly memoryMiB: number;
  readonly cpu?: string;
  readonly cdrom?: string;
  /** A raw disk image, attached writable as the first IDE disk. */
  readonly disk?: string;
  /** QEMU boot order letters: `d` CD-ROM, `c` disk; e.g. `cd` tries the disk first. */
  readonly bootOrder?: string;
}

export class SerialQemu {
  private readonly proc: ChildProcess;
  private text = '';

  constructor(o: QemuOptions) {
    const args = [
      '-nodefaults', '-no-user-config', '-display', 'none',
      '-machine', 'pc', '-cpu', o.cpu ?? 'pentium3', '-m', String(o.memoryMiB),
      '-accel', 'tcg,tb-size=64', '-vga', 'std',
      '-serial', 'stdio',
    ];
    if (o.cdrom) args.push('-cdrom', o.cdrom);
    if (o.disk) args.push('-drive', `file=${o.disk},format=raw,if=ide,index=0`);
    if (o.bootOrder) args.push('-boot', `order=${o.bootOrder}`);
    this.proc = spawn('qemu-system-i386', args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => (this.text += d.toString('latin1')));
    this.proc.stderr!.on('data', (d: Buffer) => (this.text += d.toString('latin1')));
  }

  get serial(): string {
    return this.text;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  send(text: string): void {
    this.proc.stdin!.write(text);
  }

  /**
   * Waits until `pattern` shows on serial at or after offset `from`; resolves with the offset
   * just past the match. Rejects at once on `failure`, on QEMU's exit, or after `ms`.
   */
  async waitFor(pattern: string | RegExp, o: { from?: number; ms: number; failure?: string }): Promise<number> {
    const re = typeof pattern === 'string' ? new RegExp(escape(pattern)) : pattern;
    const from = o.from ?? 0;
    const last = () => JSON.stringify(this.text.slice(-400));
    return poll(
      `${re} on serial`,
      () => {
        const tail = this.text.slice(from);
        const m = re.exec(tail);
        if (m) return from + m.index + m[0].length;
        if (o.failure && tail.includes(o.failure)) throw new Error(`failure line "${o.failure}" while waiting for ${re} on serial; last: ${last()}`);
        if (!this.running) throw new Error(`QEMU exited (${this.proc.exitCode ?? this.proc.signalCode}) while waiting for ${re} on serial; last: ${last()}`);
        return undefined;
      },
      { timeoutMs: o.ms, everyMs: 50, lastSeen: last },
    );
  }

  kill(): void {
    if (this.proc.pid && this.running) process.kill(-this.proc.pid, 'SIGKILL');
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
