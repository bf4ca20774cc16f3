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
});
