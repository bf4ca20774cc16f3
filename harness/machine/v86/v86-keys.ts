/**
 * Canonical key names (QEMU qcodes) → PC scancode set 1, which is what v86's PS/2 controller
 * hands to the guest. Pure: the worker sends the bytes, the pacing lives in v86-typing.ts.
 */
import { InfraError } from '../../errors.js';
import type { Chord, KeyName } from '../keys.js';

/** Make codes without prefix; the break code is make | 0x80. */
const PLAIN: Readonly<Record<KeyName, number>> = {
  esc: 0x01, '1': 0x02, '2': 0x03, '3': 0x04, '4': 0x05, '5': 0x06, '6': 0x07, '7': 0x08, '8': 0x09,
  '9': 0x0a, '0': 0x0b, minus: 0x0c, equal: 0x0d, backspace: 0x0e, tab: 0x0f,
  q: 0x10, w: 0x11, e: 0x12, r: 0x13, t: 0x14, y: 0x15, u: 0x16, i: 0x17, o: 0x18, p: 0x19,
  bracket_left: 0x1a, bracket_right: 0x1b, ret: 0x1c, ctrl: 0x1d,
  a: 0x1e, s: 0x1f, d: 0x20, f: 0x21, g: 0x22, h: 0x23, j: 0x24, k: 0x25, l: 0x26,
  semicolon: 0x27, apostrophe: 0x28, grave_accent: 0x29, shift: 0x2a, backslash: 0x2b,
  z: 0x2c, x: 0x2d, c: 0x2e, v: 0x2f, b: 0x30, n: 0x31, m: 0x32, comma: 0x33, dot: 0x34, slash: 0x35,
  shift_r: 0x36, alt: 0x38, spc: 0x39, caps_lock: 0x3a,
  f1: 0x3b, f2: 0x3c, f3: 0x3d, f4: 0x3e, f5: 0x3f, f6: 0x40, f7: 0x41, f8: 0x42, f9: 0x43, f10: 0x44,
  num_lock: 0x45, scroll_lock: 0x46, sysrq: 0x54, f11: 0x57, f12: 0x58,
};

/** Keys of the enhanced (101-key) keyboard: the same codes behind an 0xE0 prefix. */
const EXTENDED: Readonly<Record<KeyName, number>> = {
  ctrl_r: 0x1d, alt_r: 0x38, home: 0x47, up: 0x48, pgup: 0x49, left: 0x4b, right: 0x4d,
  end: 0x4f, down: 0x50, pgdn: 0x51, insert: 0x52, delete: 0x53, meta_l: 0x5b, menu: 0x5d,
};

export interface KeyScancodes {
  readonly make: readonly number[];
  readonly break: readonly number[];
}

export function scancodesForKey(name: KeyName): KeyScancodes {
  const plain = PLAIN[name];
  if (plain !== undefined) return { make: [plain], break: [plain | 0x80] };
  const extended = EXTENDED[name];
  if (extended !== undefined) return { make: [0xe0, extended], break: [0xe0, extended | 0x80] };
  // Print Screen is sent as fake-shift + keypad-*; Pause has no break code at all.
  if (name === 'print') return { make: [0xe0, 0x2a, 0xe0, 0x37], break: [0xe0, 0xb7, 0xe0, 0xaa] };
  if (name === 'pause') return { make: [0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5], break: [] };
  // keys.ts validates names, so reaching this is a bug in a table here, not bad input.
  throw new InfraError(`v86 backend has no scancode for key "${name}"`);
}

/** Presses every key of the chord in order, then releases them in reverse, as fingers do. */
export function scancodesForChord(chord: Chord): number[] {
  const keys = chord.map(scancodesForKey);
  return [...keys.flatMap((k) => k.make), ...[...keys].reverse().flatMap((k) => k.break)];
}
