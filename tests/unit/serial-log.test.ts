import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CountingGuestClock } from '../../harness/machine/counting-guest-clock.js';
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

  it('with a spill folder keeps only a window in memory and everything on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'serial-log-test-'));
    try {
      const log = new SerialLog(dir, 100);
      let expected = '';
      for (let i = 0; i < 50; i++) {
        const line = `line ${i}\x1b[0m\r\n`;
        log.append(line);
        expected += line;
      }
      const clean = expected.replace(/\x1b\[0m|\r/g, '');
      expect(log.cursor).toBe(clean.length);
      expect(log.text.length).toBeLessThanOrEqual(200);
      expect(log.textStart).toBeGreaterThan(0);
      expect(log.textStart + log.text.length).toBe(log.cursor);
      expect(log.text).toBe(clean.slice(log.textStart));
      // Offsets stay absolute: a cursor before the window reads from the window's start.
      expect(log.since(0)).toBe(log.text);
      expect(log.since(log.cursor - 8)).toBe('line 49\n');
      expect(log.rawOffsetOf(log.cursor - 1)).toBe(expected.length - 1);
      expect(() => log.rawOffsetOf(0)).toThrow(RangeError);
      expect(log.rawSlice(0, 6).toString('latin1')).toBe('line 0');
      log.close();
      expect(log.raw().toString('latin1')).toBe(expected);
      log.saveTo(join(dir, 'out.log'), join(dir, 'out.raw'));
      expect(readFileSync(join(dir, 'out.log'), 'latin1')).toBe(clean);
      expect(readFileSync(join(dir, 'out.raw'), 'latin1')).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a folder to write to keeps everything in memory', () => {
    const log = new SerialLog('/dev/null/not-a-folder', 10);
    log.append('x'.repeat(100));
    expect(log.text).toHaveLength(100);
    expect(log.raw()).toHaveLength(100);
  });
});

describe('CountingGuestClock', () => {
  it('marks a serial byte by its count while it is among the last ones, after a flood too', async () => {
    const clock = new CountingGuestClock(8);
    clock.recordSerial(Float64Array.from({ length: 20 }, (_, i) => 1000 + i));
    const recent = clock.serialMark(19);
    const old = clock.serialMark(5);
    clock.recordSerial(Float64Array.from({ length: 100 }, (_, i) => 2000 + i));
    const { points, problem } = await clock.resolve([recent, old, clock.serialMark(119)]);
    expect(points).toEqual([{ instructions: 1019, exact: true }, undefined, { instructions: 2099, exact: true }]);
    expect(problem).toMatch(/1 serial bytes were never counted/);
  });
});
