/**
 * Guest time: how many instructions the guest executed, the one clock that does not move when
 * the host is busy. A step asks for a mark at the moment it cares about (the serial byte that
 * completed a match, the screen read that matched, the input the guest was given); the
 * backend turns marks into counts, at once (v86) or from its log once the machine has stopped
 * (QEMU). Marks are opaque: only the machine that made one can resolve it.
 */

/**
 * Guest time in nanoseconds per instruction: QEMU's virtual clock under `-icount shift=2`. Both
 * backends report guest time as instructions × 4 ns, so one budget means the same on both;
 * idle time (HLT), which passes instantly under `sleep=off`, is not in it.
 */
export const GUEST_NS_PER_INSTRUCTION = 4;
/** The icount shift that gives GUEST_NS_PER_INSTRUCTION (2^2 ns). */
export const ICOUNT_SHIFT = 2;

declare const guestMarkBrand: unique symbol;
export type GuestMark = { readonly [guestMarkBrand]: true };

export interface GuestPoint {
  /** Guest instructions executed since the machine started (or was restored). */
  readonly instructions: number;
  /**
   * Measured at the guest event itself (the byte written, the input read). False where it could
   * only be measured when bootgate looked (a screen read): then it is a bound, off by up to
   * one poll interval.
   */
  readonly exact: boolean;
}

export interface GuestResolution {
  /** One entry per mark asked about; undefined where the backend could not tell. */
  readonly points: readonly (GuestPoint | undefined)[];
  /** Why some or all points are missing, for the report. */
  readonly problem?: string;
}

export interface GuestClock {
  /** Where the guest was when this machine's textScreen() or screenshot() read this screen. */
  screenMark(screen: object): GuestMark | undefined;
  /** Where the guest was when it wrote the raw serial byte at this index. */
  serialMark(rawByte: number): GuestMark;
  /** Where the guest was when it took the input of the last pressKeys/typeText/sendSerial/reset. */
  inputMark(): GuestMark | undefined;
  /** Resolves marks; for QEMU only after stop(). */
  resolve(marks: readonly GuestMark[]): Promise<GuestResolution>;
}

export function asGuestMark<T extends object>(mark: T): GuestMark {
  return mark as unknown as GuestMark;
}

export function fromGuestMark<T extends object>(mark: GuestMark): T {
  return mark as unknown as T;
}
