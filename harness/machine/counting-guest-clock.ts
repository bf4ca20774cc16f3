/**
 * A GuestClock for machines that know the instruction count at each event as it happens: v86,
 * whose worker reads its counter inside the UART write, the screen read and the hand-over of
 * input, and the fake machine, whose script says the count. Marks resolve at once.
 */
import { asGuestMark, fromGuestMark, type GuestClock, type GuestMark, type GuestResolution } from './guest-clock.js';

type CountMark = { readonly kind: 'count'; readonly instructions: number; readonly exact: boolean } | { readonly kind: 'missing'; readonly byte: number };

/**
 * Counts of the last serial bytes kept: a mark is taken right after its byte arrives (a wait's
 * match), so a ring of 1 Mi bytes (8 MB) serves every mark while a flooding guest's hundreds of
 * MB cost nothing more.
 */
const SERIAL_RING = 1 << 20;

export class CountingGuestClock implements GuestClock {
  private readonly screens = new WeakMap<object, GuestMark>();
  private readonly serialCounts: Float64Array;
  private serialBytes = 0;
  private lastInput: GuestMark | undefined;

  constructor(ringBytes = SERIAL_RING) {
    this.serialCounts = new Float64Array(ringBytes);
  }

  recordSerial(counts: Float64Array): void {
    const ring = this.serialCounts.length;
    const tail = counts.subarray(Math.max(0, counts.length - ring));
    const skipped = counts.length - tail.length;
    for (let i = 0; i < tail.length; i++) this.serialCounts[(this.serialBytes + skipped + i) % ring] = tail[i]!;
    this.serialBytes += counts.length;
  }

  /** A screen is read when bootgate asks, not when the guest drew it: a bound, not the event. */
  recordScreen(screen: object, instructions: number): void {
    this.screens.set(screen, asGuestMark<CountMark>({ kind: 'count', instructions, exact: false }));
  }

  recordInput(instructions: number): void {
    this.lastInput = asGuestMark<CountMark>({ kind: 'count', instructions, exact: true });
  }

  screenMark(screen: object): GuestMark | undefined {
    return this.screens.get(screen);
  }

  serialMark(rawByte: number): GuestMark {
    const known = rawByte < this.serialBytes && rawByte >= this.serialBytes - this.serialCounts.length;
    return asGuestMark<CountMark>(known ? { kind: 'count', instructions: this.serialCounts[rawByte % this.serialCounts.length]!, exact: true } : { kind: 'missing', byte: rawByte });
  }

  inputMark(): GuestMark | undefined {
    return this.lastInput;
  }

  async resolve(marks: readonly GuestMark[]): Promise<GuestResolution> {
    const points = marks.map((m) => {
      const mark = fromGuestMark<CountMark>(m);
      return mark.kind === 'count' ? { instructions: mark.instructions, exact: mark.exact } : undefined;
    });
    const missing = points.filter((p) => !p).length;
    return { points, ...(missing ? { problem: `${missing} serial bytes were never counted` } : {}) };
  }
}
