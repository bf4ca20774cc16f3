import { describe, expect, it } from 'vitest';
import { SerialLog } from '../../harness/machine/serial-log.js';

describe('SerialLog', () => {
  it('strips CSI, OSC and charset escapes and carriage returns, keeping the raw bytes', () => {
    const log = new SerialLog();
    log.append('~ # \x1b[6n\r\n\x1b]0;title\x07\x1b(Bhello \x1b[1;31mred\x1b[0m\r\n');
    expect(log.text).toBe('~ # \nhello red\n');
    log.append('\x0eqqq\x0f<Continue>');
    expect(log.text.endsWith('qqq<Continue>')).toBe(true);
    expect(log.raw().toString('latin1')).toContain('\x1b[6n');
  });

  it('handles an escape sequence split across chunks', () => {
    const log = new SerialLog();
    log.append('a\x1b[');
    expect(log.text).toBe('a');
    log.append('12;3');
    log.append('Hb');
    expect(log.text).toBe('ab');
  });

  it('moves its cursor with the clean text and notifies listeners', () => {
    const log = new SerialLog();
    let calls = 0;
    const off = log.onAppend(() => calls++);
    log.append('abc');
    off();
    log.append('\x1b[0mdef');
    expect(log.cursor).toBe(6);
    expect(calls).toBe(1);
  });

  it('maps each clean character back to the raw byte it came from, across split escapes', () => {
    const log = new SerialLog();
    log.append('ab\x1b[');
    log.append('6nc\r\nd');
    expect(log.text).toBe('abc\nd');
    // raw: a0 b1 ESC2 [3 64 n5 c6 CR7 LF8 d9
    expect([0, 1, 2, 3, 4].map((i) => log.rawOffsetOf(i))).toEqual([0, 1, 6, 8, 9]);
    expect(() => log.rawOffsetOf(5)).toThrow(RangeError);
    log.append('x'.repeat(5000));
    expect(log.rawOffsetOf(log.text.length - 1)).toBe(log.rawByteLength - 1);
  });
});
