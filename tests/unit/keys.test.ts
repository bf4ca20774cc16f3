import { describe, expect, it } from 'vitest';
import { chordForChar, chordsForText, parseChord } from '../../harness/machine/keys.js';
import { ConfigError } from '../../harness/errors.js';

describe('keys', () => {
  it('parses chords with aliases', () => {
    expect(parseChord('ctrl-alt-del')).toEqual(['ctrl', 'alt', 'delete']);
    expect(parseChord('Enter')).toEqual(['ret']);
    expect(parseChord('F12')).toEqual(['f12']);
    expect(parseChord('-')).toEqual(['minus']);
  });

  it('refuses unknown keys with a ConfigError naming them', () => {
    expect(() => parseChord('ctrl-hyper')).toThrowError(ConfigError);
    expect(() => parseChord('ctrl-hyper')).toThrowError(/unknown key "hyper"/);
  });

  it('maps text to US keyboard chords', () => {
    expect(chordForChar('A')).toEqual(['shift', 'a']);
    expect(chordForChar('>')).toEqual(['shift', 'dot']);
    expect(chordsForText('ls\n')).toEqual([['l'], ['s'], ['ret']]);
    expect(() => chordForChar('é')).toThrowError(/cannot type/);
  });
});
