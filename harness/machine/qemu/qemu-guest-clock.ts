/**
 * QEMU's GuestClock: marks name events in the guest-clock log (a serial byte by index, a QMP
 * command by the order bootgate sent it), and resolve() reads them from the log once QEMU has
 * exited and the log is complete. See guest-clock-log.ts for what the log holds.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { asGuestMark, fromGuestMark, type GuestClock, type GuestMark, type GuestPoint, type GuestResolution } from '../guest-clock.js';
import { GuestClockLogParser, type AnchorCommand, type AnchorPoint, type GuestClockLog } from './guest-clock-log.js';

type QemuMark =
  | { readonly kind: 'serial-out'; readonly byte: number }
  | { readonly kind: 'serial-in'; readonly byte: number }
  /** The index-th time bootgate sent `command`; `at` says which guest event after it counts. */
  | { readonly kind: 'command'; readonly command: AnchorCommand; readonly index: number; readonly at: 'before' | 'next' | 'keyboard' };

export class QemuGuestClock implements GuestClock {
  private readonly screens = new WeakMap<object, GuestMark>();
  private readonly sentSerial: number[] = [];
  private lastInput: GuestMark | undefined;
  private log: Promise<{ log?: GuestClockLog; problem?: string }> | undefined;

  /**
   * @param machineStopped settles once QEMU has exited and every command it ran is in the log.
   * @param serialRaw the serial bytes bootgate received, to check the log's bytes against.
   */
  constructor(
    private readonly logFile: string,
    private readonly machineStopped: () => Promise<void>,
    private readonly serialRaw: () => Buffer,
  ) {}

  /** A frame or text screen read right after bootgate sent this command for the index-th time. */
  recordScreen(screen: object, command: 'stop' | 'screendump', index: number): void {
    this.screens.set(screen, asGuestMark<QemuMark>({ kind: 'command', command, index, at: 'before' }));
  }

  recordKeys(sendKeyIndex: number): void {
    this.lastInput = asGuestMark<QemuMark>({ kind: 'command', command: 'send_key', index: sendKeyIndex, at: 'keyboard' });
  }

  recordReset(resetIndex: number): void {
    this.lastInput = asGuestMark<QemuMark>({ kind: 'command', command: 'system_reset', index: resetIndex, at: 'next' });
  }

  recordSerialInput(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.sentSerial.push(...bytes);
    this.lastInput = asGuestMark<QemuMark>({ kind: 'serial-in', byte: this.sentSerial.length - 1 });
  }

  screenMark(screen: object): GuestMark | undefined {
    return this.screens.get(screen);
  }

  serialMark(rawByte: number): GuestMark {
    return asGuestMark<QemuMark>({ kind: 'serial-out', byte: rawByte });
  }

  inputMark(): GuestMark | undefined {
    return this.lastInput;
  }

  /**
   * Reads the log while the machine's temp folder still exists (QemuMachine calls this from its
   * cleanup). The result is kept in memory for resolve().
   */
  readLog(): Promise<void> {
    this.log ??= readLog(this.logFile).then(
      (log) => ({ log, ...checkSerial(log, this.serialRaw()) }),
      (e: Error) => ({ problem: `cannot read the guest-clock log: ${e.message}` }),
    );
    return this.log.then(() => undefined);
  }

  async resolve(marks: readonly GuestMark[]): Promise<GuestResolution> {
    await this.machineStopped();
    const { log, problem } = await (this.log ?? { problem: 'the guest-clock log was not read before the machine was cleaned up' });
    if (!log) return { points: marks.map(() => undefined), ...(problem ? { problem } : {}) };
    const serialIn = matchSerialInput(log, this.sentSerial);
    // A log whose bytes are not the ones received cannot place serial output; the rest still holds.
    const points = marks.map((m) => {
      const mark = fromGuestMark<QemuMark>(m);
      return problem && mark.kind === 'serial-out' ? undefined : pointOf(log, serialIn, mark);
    });
    const missing = points.filter((p) => !p).length;
    const why = problem ?? (missing ? `${missing} of ${marks.length} guest events are not in the guest-clock log${log.end === undefined ? ' (QEMU did not exit cleanly)' : ''}` : undefined);
    return { points, ...(why ? { problem: why } : {}) };
  }
}

async function readLog(file: string): Promise<GuestClockLog> {
  const parser = new GuestClockLogParser();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) parser.feed(line);
  return parser.result();
}

/** The log's bytes must be the bytes bootgate received, or every serial count would be off. */
function checkSerial(log: GuestClockLog, raw: Buffer): { problem?: string } {
  const n = Math.min(raw.length, log.serialOut.length);
  for (let i = 0; i < n; i++) {
    if (log.serialOut[i]!.value !== raw[i]) return { problem: `the guest-clock log disagrees with the serial log at byte ${i}` };
  }
  return raw.length > log.serialOut.length ? { problem: `the guest-clock log has ${log.serialOut.length} serial bytes, the serial log ${raw.length}` } : {};
}

/**
 * Which receive-register read took each byte bootgate sent: in order, by value, so reads the
 * guest makes while probing the UART (which return 0x00 or 0xff) are passed over.
 */
function matchSerialInput(log: GuestClockLog, sent: readonly number[]): (number | undefined)[] {
  const counts: (number | undefined)[] = new Array(sent.length).fill(undefined);
  let next = 0;
  for (const read of log.serialIn) {
    if (next >= sent.length) break;
    if (read.value === sent[next]) counts[next++] = read.count;
  }
  return counts;
}

function pointOf(log: GuestClockLog, serialIn: readonly (number | undefined)[], mark: QemuMark): GuestPoint | undefined {
  switch (mark.kind) {
    case 'serial-out': {
      const byte = log.serialOut[mark.byte];
      return byte ? { instructions: byte.count, exact: true } : undefined;
    }
    case 'serial-in': {
      const count = serialIn[mark.byte];
      return count === undefined ? undefined : { instructions: count, exact: true };
    }
    case 'command': {
      const anchor: AnchorPoint | undefined = log.anchors[mark.command][mark.index];
      if (!anchor) return undefined;
      if (mark.at === 'before') return { instructions: anchor.before, exact: false };
      const count = mark.at === 'keyboard' ? (anchor.nextKeyboardRead ?? anchor.next) : anchor.next;
      return count === undefined ? undefined : { instructions: count, exact: true };
    }
  }
}
