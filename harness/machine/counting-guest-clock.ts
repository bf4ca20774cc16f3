/**
 * A GuestClock for machines that know the instruction count at each event as it happens: v86,
 * whose worker reads its counter inside the UART write, the screen read and the hand-over of
 * input, and the fake machine, whose script says the count. Marks resolve at once.
 */
import { asGuestMark, fromGuestMark, type GuestClock, type GuestMark, type GuestResolution } from './guest-clock.js';

type CountMark = { readonly kind: 'count'; readonly instructions: number; readonly exact: boolean } | { readonly kind: 'serial'; readonly byte: number };

export class CountingGuestClock implements GuestClock {
  private readonly screens = new WeakMap<object, GuestMark>();
  private serialCounts = new Float64Array(4096);
  private serialBytes = 0;
  private lastInput: GuestMark | undefined;

  recordSerial(counts: Float64Array): void {
    if (this.serialBytes + counts.length > this.serialCounts.length) {
      const grown = new Float64Array(Math.max(this.serialCounts.length * 2, this.serialBytes + counts.length));
      grown.set(this.serialCounts.subarray(0, this.serialBytes));
      this.serialCounts = grown;
    }
    this.serialCounts.set(counts, this.serialBytes);
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
    return asGuestMark<CountMark>({ kind: 'serial', byte: rawByte });
  }

  inputMark(): GuestMark | undefined {
    return this.lastInput;
  }

  async resolve(marks: readonly GuestMark[]): Promise<GuestResolution> {
    const points = marks.map((m) => {
      const mark = fromGuestMark<CountMark>(m);
      if (mark.kind === 'count') return { instructions: mark.instructions, exact: mark.exact };
      return mark.byte < this.serialBytes ? { instructions: this.serialCounts[mark.byte]!, exact: true } : undefined;
    });
    const missing = points.filter((p) => !p).length;
    return { points, ...(missing ? { problem: `${missing} serial bytes were never counted` } : {}) };
  }
}
