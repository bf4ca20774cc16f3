import { describe, expect, it } from 'vitest';
import { chordsForText, KEY_NAMES, parseChord } from '../../harness/machine/keys.js';
import { scancodesForChord, scancodesForKey } from '../../harness/machine/v86/v86-keys.js';

describe('v86 scancodes (set 1)', () => {
  it('has a scancode for every canonical key name', () => {
    for (const name of KEY_NAMES) expect(() => scancodesForKey(name), name).not.toThrow();
  });

  it('maps plain keys to make and make|0x80', () => {
    expect(scancodesForKey('a')).toEqual({ make: [0x1e], break: [0x9e] });
    expect(scancodesForKey('ret')).toEqual({ make: [0x1c], break: [0x9c] });
    expect(scancodesForKey('esc')).toEqual({ make: [0x01], break: [0x81] });
    expect(scancodesForKey('f12')).toEqual({ make: [0x58], break: [0xd8] });
  });

  it('prefixes arrows and the editing block with 0xE0', () => {
    expect(scancodesForKey('up')).toEqual({ make: [0xe0, 0x48], break: [0xe0, 0xc8] });
    expect(scancodesForKey('left')).toEqual({ make: [0xe0, 0x4b], break: [0xe0, 0xcb] });
    expect(scancodesForKey('delete')).toEqual({ make: [0xe0, 0x53], break: [0xe0, 0xd3] });
    expect(scancodesForKey('home')).toEqual({ make: [0xe0, 0x47], break: [0xe0, 0xc7] });
    expect(scancodesForKey('ctrl_r')).toEqual({ make: [0xe0, 0x1d], break: [0xe0, 0x9d] });
  });

  it('presses a chord in order and releases it in reverse', () => {
    expect(scancodesForChord(parseChord('ctrl-alt-delete'))).toEqual([
      0x1d, 0x38, 0xe0, 0x53,
      0xe0, 0xd3, 0xb8, 0x9d,
    ]);
  });

  it('types capitals and symbols with shift held', () => {
    const [g, colon] = chordsForText('G:');
    expect(scancodesForChord(g!)).toEqual([0x2a, 0x22, 0xa2, 0xaa]);
    expect(scancodesForChord(colon!)).toEqual([0x2a, 0x27, 0xa7, 0xaa]);
  });

  it('sends Pause without a break code', () => {
    expect(scancodesForChord(['pause'])).toEqual([0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5]);
  });
});
