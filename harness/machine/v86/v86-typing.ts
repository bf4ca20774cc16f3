/**
 * Paced typing for v86. Keys are lost inside the guest, not in v86: a PC BIOS keeps at most 15
 * keys in its ring buffer, and while a program is busy (GRUB loading a module from CD) every
 * further key is dropped with a beep. So one chord goes out at a time, at least
 * MIN_MS_PER_CHAR apart, and only while the guest has read the earlier ones: both the PS/2
 * controller's queue and — while the BIOS is the one handling the keyboard — its ring buffer.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Chord } from '../keys.js';
import { scancodesForChord } from './v86-keys.js';

export const MIN_MS_PER_CHAR = 10;
/** Controller bytes the guest may leave unread before the next chord waits: about one key. */
const MAX_UNREAD_BYTES = 4;
/** Keys the BIOS ring buffer may hold before the next chord waits ("a few in flight"). */
const MAX_BIOS_KEYS = 4;
/** A guest that reads nothing from its controller this long is not going to; waiting fixes nothing. */
const MAX_DRAIN_WAIT_MS = 1000;
/**
 * The BIOS buffer counts only while the BIOS maintains it: under Linux its pointers stay frozen
 * (maybe non-empty). So it gates typing only after its pointers moved, and no longer once they
 * have been still this long.
 */
const BIOS_IDLE_MS = 5000;
const POLL_MS = 2;

/** The BIOS data area's keyboard ring buffer (0x41A head, 0x41C tail, 0x480/0x482 bounds). */
export interface BiosKeyBuffer {
  readonly head: number;
  readonly tail: number;
  /** Keys stored and not yet read by the program. */
  readonly queued: number;
}

export interface KeyboardPort {
  send(codes: readonly number[]): void;
  /** Scancode bytes queued in the PS/2 controller that the guest has not read yet. */
  unread(): number;
  biosBuffer(): BiosKeyBuffer;
}

export interface Clock {
  sleep(ms: number): Promise<void>;
  now(): number;
}
const realClock: Clock = {
  sleep: (ms) => delay(ms),
  now: () => performance.now(),
};

export async function typeChords(
  port: KeyboardPort,
  chords: readonly Chord[],
  msPerChar: number,
  clock: Clock = realClock,
): Promise<void> {
  const pause = Math.max(MIN_MS_PER_CHAR, msPerChar);
  let bios = port.biosBuffer();
  let biosMovedAt = Number.NEGATIVE_INFINITY;
  const watchBios = (): BiosKeyBuffer => {
    const now = port.biosBuffer();
    if (now.head !== bios.head || now.tail !== bios.tail) biosMovedAt = clock.now();
    bios = now;
    return now;
  };
  for (const chord of chords) {
    const drainStart = clock.now();
    while (port.unread() > MAX_UNREAD_BYTES && clock.now() - drainStart < MAX_DRAIN_WAIT_MS) {
      await clock.sleep(POLL_MS);
    }
    while (watchBios().queued > MAX_BIOS_KEYS && clock.now() - biosMovedAt < BIOS_IDLE_MS) {
      await clock.sleep(POLL_MS);
    }
    port.send(scancodesForChord(chord));
    await clock.sleep(pause);
  }
}

/** The longest typeChords can take: a request timeout shorter than this would call a slow guest a crash. */
export function maxTypingMs(chordCount: number, msPerChar: number): number {
  return chordCount * (Math.max(MIN_MS_PER_CHAR, msPerChar) + MAX_DRAIN_WAIT_MS + BIOS_IDLE_MS);
}

/** Reads the ring buffer from the BIOS data area (16-bit offsets from segment 0x40). */
export function biosKeyBuffer(bda: Uint8Array): BiosKeyBuffer {
  const word = (offset: number): number => bda[offset - 0x400]! | (bda[offset - 0x400 + 1]! << 8);
  const head = word(0x41a);
  const tail = word(0x41c);
  let start = word(0x480);
  let end = word(0x482);
  if (start === 0 || end <= start) [start, end] = [0x1e, 0x3e];
  const size = end - start;
  return { head, tail, queued: (((tail - head) % size) + size) % size / 2 };
}
