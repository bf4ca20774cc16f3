/**
 * The machine's serial console on the person's terminal: what the guest prints goes to the
 * output as sent (escape sequences and all), what the person types goes to the guest's serial
 * port, and the detach key, the end of the input, an interrupt or the machine ending hand the
 * terminal back. With commands, the command key opens a one-line prompt: the guest's output is
 * held while it is open and its command runs, then shown. The terminal is put in raw mode only
 * when the input is a TTY, and always restored.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Machine } from '../machine/machine.js';
import { PromptLine } from './prompt-line.js';
import { COMMAND_BYTE, DETACH_BYTE, scanForKeys } from './session-keys.js';

/** What the prompt shows, on a line of its own. */
export const PROMPT = 'bootgate> ';

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
  /**
   * Runs a line typed at the prompt and gives the text to show (a thrown error shows its message).
   * Without it the command key goes to the guest like any other.
   */
  readonly commands?: (line: string) => Promise<string>;
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
  // Everything that reaches the guest or the output after a key, in the order the keys came.
  let sending: Promise<void> = Promise.resolve();
  let flushQueued = false;
  let finished = false;
  /** The guest's output waits while the prompt is open and its command runs. */
  let held = false;
  let prompt: PromptLine | undefined;
  /** The LF of a CR LF that ended a prompt line is not the guest's. */
  let dropLf = false;
  const decoder = new StringDecoder('utf8');
  const keys = options.commands ? [detachByte, COMMAND_BYTE] : [detachByte];
  const inOrder = (work: () => unknown) => (sending = sending.then(async () => void (await work())));

  const flush = () => {
    flushQueued = false;
    if (held) return;
    const length = machine.serial.rawByteLength;
    if (length <= shown) return;
    output.write(machine.serial.rawSlice(shown, length));
    shown = length;
  };

  return new Promise<SessionResult>((resolve) => {
    const raw = !!input.isTTY && typeof input.setRawMode === 'function';
    // A terminal in cooked mode echoes by itself; one in raw mode does not, and a pipe's input is shown nowhere else.
    const echo = raw || !input.isTTY;
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
        held = false;
        flush();
        resolve({ end, ...(reason ? { reason } : {}), bytesIn, bytesOut: shown - (options.fromByte ?? 0), ...(sendError ? { sendError } : {}) });
      });
    };
    const toGuest = (bytes: Buffer) => {
      if (dropLf && bytes.length > 0) {
        if (bytes[0] === 0x0a) bytes = bytes.subarray(1);
        dropLf = false;
      }
      if (bytes.length === 0) return;
      bytesIn += bytes.length;
      const text = decoder.write(bytes);
      // One write at a time, in order: typed keys must reach the guest as typed.
      if (text) inOrder(() => machine.sendSerial(text).catch((e: unknown) => void (sendError ??= (e as Error).message)));
    };
    const closePrompt = (line?: string) => {
      prompt = undefined;
      inOrder(async () => {
        output.write('\r\n');
        if (line) output.write(`${(await options.commands!(line).catch((e: unknown) => (e as Error).message)).replace(/\r?\n/g, '\r\n')}\r\n`);
        held = false;
        flush();
      });
    };
    /** Feeds the prompt; returns what follows the line in this read. */
    const toPrompt = (bytes: Buffer): Buffer => {
      for (const [i, byte] of bytes.entries()) {
        if (byte === detachByte) {
          finish('detach');
          break;
        }
        const key = prompt!.feed(byte);
        if (key.kind === 'edit') {
          if (echo && key.echo) inOrder(() => output.write(key.echo));
          continue;
        }
        dropLf = byte === 0x0d;
        closePrompt(key.kind === 'enter' ? key.line.trim() : undefined);
        return bytes.subarray(i + 1);
      }
      return bytes.subarray(bytes.length);
    };
    const onData = (chunk: Buffer | string) => {
      let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      while (bytes.length > 0 && !finished) {
        if (prompt) {
          bytes = toPrompt(bytes);
          continue;
        }
        const { forward, key, rest } = scanForKeys(bytes, keys);
        toGuest(forward);
        if (key === undefined) return;
        if (key === detachByte) return finish('detach');
        prompt = new PromptLine();
        inOrder(() => {
          flush();
          held = true;
          output.write(`\r\n${PROMPT}`);
        });
        bytes = rest;
      }
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
