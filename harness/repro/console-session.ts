/**
 * The machine's serial console on the person's terminal: what the guest prints goes to the
 * output as sent (escape sequences and all), what the person types goes to the guest's serial
 * port, and the detach key, the end of the input, an interrupt or the machine ending hand the
 * terminal back. The terminal is put in raw mode only when the input is a TTY, and always
 * restored.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Machine } from '../machine/machine.js';
import { DETACH_BYTE, scanForDetach } from './detach-key.js';

export type SessionEnd = 'detach' | 'eof' | 'interrupt' | 'machine-exited';

export interface ConsoleInput extends NodeJS.EventEmitter {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface ConsoleOutput {
  write(chunk: Uint8Array | string): unknown;
}

export interface ConsoleSessionOptions {
  readonly machine: Machine;
  readonly input: ConsoleInput;
  readonly output: ConsoleOutput;
  /** Aborted on Ctrl-C from outside (SIGINT/SIGTERM): ends the session. */
  readonly signal?: AbortSignal;
  readonly detachByte?: number;
  /** Serial output already shown (raw byte offset): only what comes after is written. Default: everything so far. */
  readonly fromByte?: number;
}

export interface SessionResult {
  readonly end: SessionEnd;
  /** Why the machine ended, for `machine-exited`. */
  readonly reason?: string;
  /** Bytes typed and sent to the guest. */
  readonly bytesIn: number;
  /** Serial bytes written to the output. */
  readonly bytesOut: number;
  /** A sendSerial that failed, if any: the session goes on, the person sees it in the report. */
  readonly sendError?: string;
}

export function attachConsole(options: ConsoleSessionOptions): Promise<SessionResult> {
  const { machine, input, output, signal } = options;
  const detachByte = options.detachByte ?? DETACH_BYTE;
  let shown = options.fromByte ?? 0;
  let bytesIn = 0;
  let sendError: string | undefined;
  let sending: Promise<void> = Promise.resolve();
  let flushQueued = false;
  let finished = false;
  const decoder = new StringDecoder('utf8');

  const flush = () => {
    flushQueued = false;
    const length = machine.serial.rawByteLength;
    if (length <= shown) return;
    output.write(machine.serial.rawSlice(shown, length));
    shown = length;
  };

  return new Promise<SessionResult>((resolve) => {
    const raw = !!input.isTTY && typeof input.setRawMode === 'function';
    const finish = (end: SessionEnd, reason?: string) => {
      if (finished) return;
      finished = true;
      unsubscribe();
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onEnd);
      signal?.removeEventListener('abort', onAbort);
      if (raw) input.setRawMode!(false);
      input.pause();
      // What the guest printed up to now, and what was typed, is delivered before we report the end.
      void sending.finally(() => {
        flush();
        resolve({ end, ...(reason ? { reason } : {}), bytesIn, bytesOut: shown - (options.fromByte ?? 0), ...(sendError ? { sendError } : {}) });
      });
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      const { forward, detached } = scanForDetach(bytes, detachByte);
      if (forward.length > 0) {
        bytesIn += forward.length;
        const text = decoder.write(forward);
        // One write at a time, in order: typed keys must reach the guest as typed.
        if (text) sending = sending.then(() => machine.sendSerial(text)).catch((e: unknown) => void (sendError ??= (e as Error).message));
      }
      if (detached) finish('detach');
    };
    const onEnd = () => finish('eof');
    const onAbort = () => finish('interrupt');
    const unsubscribe = machine.serial.onAppend(() => {
      if (flushQueued) return;
      flushQueued = true;
      setImmediate(flush); // one write per burst, not per byte
    });
    void machine.exited.then((exit) => finish('machine-exited', exit.reason));

    flush();
    if (signal?.aborted) return finish('interrupt');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (raw) input.setRawMode!(true);
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onEnd);
    if ((input as { readableEnded?: boolean }).readableEnded) return finish('eof');
    input.resume();
  });
}
