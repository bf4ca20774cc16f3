/**
 * Key names, shared by every backend. The canonical names are QEMU's qcodes (`ret`, `esc`,
 * `bracket_left`, ...); people may write the friendlier aliases below. A chord is written
 * `ctrl-alt-delete`; the backends map canonical names onto qcodes or PC scancodes.
 */
import { ConfigError } from '../errors.js';

export type KeyName = string;
export type Chord = readonly KeyName[];

const NAMED = [
  'ret', 'esc', 'tab', 'backspace', 'spc', 'delete', 'insert', 'home', 'end', 'pgup', 'pgdn',
  'up', 'down', 'left', 'right', 'shift', 'shift_r', 'ctrl', 'ctrl_r', 'alt', 'alt_r', 'meta_l',
  'caps_lock', 'num_lock', 'scroll_lock', 'print', 'pause', 'sysrq', 'menu',
  'minus', 'equal', 'bracket_left', 'bracket_right', 'semicolon', 'apostrophe', 'grave_accent',
  'backslash', 'comma', 'dot', 'slash',
  'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'f12',
] as const;

const ALIASES: Readonly<Record<string, KeyName>> = {
  enter: 'ret', return: 'ret', escape: 'esc', space: 'spc', del: 'delete', ins: 'insert',
  pageup: 'pgup', pagedown: 'pgdn', control: 'ctrl', win: 'meta_l', super: 'meta_l',
  bksp: 'backspace',
};

export const KEY_NAMES: ReadonlySet<KeyName> = new Set<KeyName>([
  ...NAMED,
  ...'abcdefghijklmnopqrstuvwxyz0123456789',
]);

/** `ctrl-alt-delete` → `['ctrl','alt','delete']`; throws a ConfigError naming the unknown key. */
export function parseChord(spec: string): Chord {
  const parts = spec === '-' ? ['minus'] : spec.toLowerCase().split(/[-+]/);
  return parts.map((part) => {
    const name = ALIASES[part] ?? part;
    if (!KEY_NAMES.has(name)) throw new ConfigError(`unknown key "${part}" in "${spec}"`, { field: 'press' });
    return name;
  });
}

const UNSHIFTED: Readonly<Record<string, KeyName>> = {
  ' ': 'spc', '\n': 'ret', '\t': 'tab', '\b': 'backspace', '-': 'minus', '=': 'equal',
  '[': 'bracket_left', ']': 'bracket_right', ';': 'semicolon', "'": 'apostrophe',
  '`': 'grave_accent', '\\': 'backslash', ',': 'comma', '.': 'dot', '/': 'slash',
};
const SHIFTED: Readonly<Record<string, KeyName>> = {
  '!': '1', '@': '2', '#': '3', $: '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9', ')': '0',
  _: 'minus', '+': 'equal', '{': 'bracket_left', '}': 'bracket_right', ':': 'semicolon',
  '"': 'apostrophe', '~': 'grave_accent', '|': 'backslash', '<': 'comma', '>': 'dot', '?': 'slash',
};

/** The chord a US keyboard needs to type one character. */
export function chordForChar(ch: string): Chord {
  if (/^[a-z0-9]$/.test(ch)) return [ch];
  if (/^[A-Z]$/.test(ch)) return ['shift', ch.toLowerCase()];
  const plain = UNSHIFTED[ch];
  if (plain) return [plain];
  const shifted = SHIFTED[ch];
  if (shifted) return ['shift', shifted];
  throw new ConfigError(`cannot type character ${JSON.stringify(ch)} on a US keyboard`, { field: 'type' });
}

export function chordsForText(text: string): Chord[] {
  return [...text].map(chordForChar);
}
