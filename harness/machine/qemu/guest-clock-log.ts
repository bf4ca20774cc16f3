/**
 * Reads the log QEMU writes with bootgate's guest-clock plugin (guest-clock-plugin.c) and the
 * trace events qemuCommandLine enables, into instruction counts at the events bootgate asks
 * about. Pure: lines in, counts out.
 *
 * Every plugin line ("@o N", "@i N") precedes the port I/O instruction it counts, and QEMU's
 * trace line for that access (serial_write, serial_read, pckbd_kbd_read_data) follows it from
 * the same thread, so a trace line belongs to the plugin count just before it. QMP command
 * trace lines (qmp_enter_stop, ...) come from the main thread as QEMU starts the command: they
 * tell where the guest was when bootgate acted.
 */

/** QMP commands whose start bootgate needs to place on the guest's timeline. */
export const GUEST_CLOCK_ANCHORS = ['stop', 'screendump', 'send_key', 'system_reset'] as const;
export type AnchorCommand = (typeof GUEST_CLOCK_ANCHORS)[number];

/** The trace events the parser reads; the command line enables exactly these. */
export const GUEST_CLOCK_TRACE_EVENTS: readonly string[] = [
  'serial_write',
  'serial_read',
  'pckbd_kbd_read_data',
  ...GUEST_CLOCK_ANCHORS.map((c) => `qmp_enter_${c}`),
];

export interface AnchorPoint {
  /** The count at the guest's last port I/O before QEMU ran the command: the guest was at least this far. */
  readonly before: number;
  /** The count at the guest's first port I/O after the command. */
  readonly next?: number;
  /** The count at the guest's first read of the keyboard data port after the command: when it took a key. */
  readonly nextKeyboardRead?: number;
}

export interface CountedByte {
  readonly value: number;
  readonly count: number;
}

export interface GuestClockLog {
  /** Each byte the guest sent out of the UART, in order: what reached the serial FIFO. */
  readonly serialOut: readonly CountedByte[];
  /** Each byte the guest took from the UART's receive register, in order. */
  readonly serialIn: readonly CountedByte[];
  readonly anchors: Readonly<Record<AnchorCommand, readonly AnchorPoint[]>>;
  /** The count when QEMU exited; absent when the log was cut short (QEMU killed). */
  readonly end?: number;
}

const UART_DATA = 0;
const UART_LCR = 3;
const UART_MCR = 4;
const LCR_DLAB = 0x80;
const MCR_LOOPBACK = 0x10;

const SERIAL_ACCESS = /^serial_(write|read) \w+ addr 0x([0-9a-f]+) val 0x([0-9a-f]+)/;
const KEYBOARD_READ = /^pckbd_kbd_read_data /;
const QMP_ENTER = /^qmp_enter_(\w+)/;

export class GuestClockLogParser {
  private count = 0;
  private end: number | undefined;
  private dlab = false;
  private loopback = false;
  private readonly serialOut: CountedByte[] = [];
  private readonly serialIn: CountedByte[] = [];
  private readonly anchors = Object.fromEntries(GUEST_CLOCK_ANCHORS.map((c) => [c, [] as MutableAnchor[]])) as Record<AnchorCommand, MutableAnchor[]>;
  /** Anchors still waiting for the guest's next port I/O or keyboard read. */
  private awaitingNext: MutableAnchor[] = [];
  private awaitingKeyboard: MutableAnchor[] = [];

  feed(line: string): void {
    if (line.startsWith('@')) return this.plugin(line);
    const serial = SERIAL_ACCESS.exec(line);
    if (serial) return this.uart(serial[1] === 'write', Number.parseInt(serial[2]!, 16), Number.parseInt(serial[3]!, 16));
    if (KEYBOARD_READ.test(line)) {
      for (const a of this.awaitingKeyboard) a.nextKeyboardRead = this.count;
      this.awaitingKeyboard = [];
      return;
    }
    const qmp = QMP_ENTER.exec(line);
    const command = qmp?.[1] as AnchorCommand | undefined;
    if (command && command in this.anchors) {
      const anchor: MutableAnchor = { before: this.count };
      this.anchors[command].push(anchor);
      this.awaitingNext.push(anchor);
      this.awaitingKeyboard.push(anchor);
    }
  }

  result(): GuestClockLog {
    return { serialOut: this.serialOut, serialIn: this.serialIn, anchors: this.anchors, ...(this.end !== undefined ? { end: this.end } : {}) };
  }

  private plugin(line: string): void {
    const space = line.indexOf(' ');
    const value = Number(line.slice(space + 1));
    if (!Number.isFinite(value)) return; // a line cut short when QEMU was killed
    if (line.startsWith('@end ')) {
      this.end = value;
      return;
    }
    this.count = value;
    for (const a of this.awaitingNext) a.next = value;
    this.awaitingNext = [];
  }

  /** Only the data register with DLAB clear and loopback off moves bytes between the guest and the FIFO. */
  private uart(write: boolean, register: number, value: number): void {
    if (write && register === UART_LCR) this.dlab = (value & LCR_DLAB) !== 0;
    if (write && register === UART_MCR) this.loopback = (value & MCR_LOOPBACK) !== 0;
    if (register !== UART_DATA || this.dlab || this.loopback) return;
    (write ? this.serialOut : this.serialIn).push({ value, count: this.count });
  }
}

interface MutableAnchor {
  before: number;
  next?: number;
  nextKeyboardRead?: number;
}

export function parseGuestClockLog(lines: Iterable<string>): GuestClockLog {
  const parser = new GuestClockLogParser();
  for (const line of lines) parser.feed(line);
  return parser.result();
}
