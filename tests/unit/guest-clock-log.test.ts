import { describe, expect, it } from 'vitest';
import { parseGuestClockLog } from '../../harness/machine/qemu/guest-clock-log.js';
import { QemuGuestClock } from '../../harness/machine/qemu/qemu-guest-clock.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const write = (value: number, register = 0) => `serial_write write addr 0x${register.toString(16).padStart(2, '0')} val 0x${value.toString(16).padStart(2, '0')}`;
const read = (value: number, register = 0) => `serial_read read addr 0x${register.toString(16).padStart(2, '0')} val 0x${value.toString(16).padStart(2, '0')}`;

describe('the guest-clock log', () => {
  it('gives each transmitted byte the count of the out instruction before it, skipping divisor and loopback writes', () => {
    const log = parseGuestClockLog([
      '@o 10',
      write(0x83, 3), // LCR: DLAB on
      '@o 11',
      write(0x01, 0), // divisor latch low, not a byte
      '@o 12',
      write(0x03, 3), // DLAB off
      '@o 13',
      write(0x10, 4), // MCR: loopback (the 8250 probe)
      '@o 14',
      write(0x5a, 0), // looped back, never reaches the FIFO
      '@o 15',
      write(0x0b, 4), // loopback off
      '@o 100',
      write(0x48), // 'H'
      '@i 120',
      read(0x60, 5), // LSR poll
      '@o 130',
      write(0x69), // 'i'
      '@end 500',
    ]);
    expect(log.serialOut).toEqual([
      { value: 0x48, count: 100 },
      { value: 0x69, count: 130 },
    ]);
    expect(log.end).toBe(500);
  });

  it('places QMP commands on the guest timeline: the last I/O before, the next I/O and the next keyboard read after', () => {
    const log = parseGuestClockLog([
      '@o 40',
      'qmp_enter_stop {}',
      'qmp_enter_send_key {"keys": []}',
      '@i 55',
      '@i 70',
      'pckbd_kbd_read_data 0x1e',
      '@o 90',
      'qmp_enter_stop {}',
      '@o 9', // a line cut short when QEMU was killed
    ]);
    expect(log.anchors.stop).toEqual([
      { before: 40, next: 55, nextKeyboardRead: 70 },
      { before: 90, next: 9 },
    ]);
    expect(log.anchors.send_key).toEqual([{ before: 40, next: 55, nextKeyboardRead: 70 }]);
    expect(log.end).toBeUndefined();
  });

  it('ignores a truncated last line', () => {
    const log = parseGuestClockLog(['@o 5', write(0x41), '@o']);
    expect(log.serialOut).toEqual([{ value: 0x41, count: 5 }]);
  });
});

describe('QemuGuestClock', () => {
  it('resolves serial output, serial input (by value, past probe reads), keys, resets and screen reads from its log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-clock-'));
    try {
      const file = join(dir, 'guest-clock.log');
      writeFileSync(
        file,
        [
          '@i 5',
          read(0xff), // the 8250 probe clears the receive register: not one of ours
          '@o 100',
          write(0x24), // '$'
          '@o 150',
          'qmp_enter_screendump {}',
          '@i 300',
          read(0x6c), // 'l'
          '@i 310',
          read(0x73), // 's'
          '@o 400',
          write(0x6c),
          'qmp_enter_send_key {}',
          '@i 420',
          'pckbd_kbd_read_data 0x1c',
          '@o 450',
          'qmp_enter_system_reset {}',
          '@o 460',
          '@end 470',
          '',
        ].join('\n'),
      );
      let stopped = false;
      const clock = new QemuGuestClock(file, async () => void (stopped = true), () => Buffer.from('$l'));
      const frame = {};
      clock.recordScreen(frame, 'screendump', 0);
      clock.recordSerialInput(Buffer.from('ls'));
      const serialIn = clock.inputMark()!;
      clock.recordKeys(0);
      const keys = clock.inputMark()!;
      clock.recordReset(0);
      const reset = clock.inputMark()!;
      await clock.readLog();
      const { points, problem } = await clock.resolve([clock.serialMark(0), clock.serialMark(1), clock.screenMark(frame)!, serialIn, keys, reset, clock.serialMark(7)]);
      expect(stopped).toBe(true);
      expect(points).toEqual([
        { instructions: 100, exact: true },
        { instructions: 400, exact: true },
        { instructions: 150, exact: false },
        { instructions: 310, exact: true },
        { instructions: 420, exact: true },
        { instructions: 460, exact: true },
        undefined,
      ]);
      expect(problem).toMatch(/1 of 7 guest events/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to count when the log and the serial log disagree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-clock-'));
    try {
      const file = join(dir, 'guest-clock.log');
      writeFileSync(file, ['@o 1', write(0x41), '@end 2', ''].join('\n'));
      const clock = new QemuGuestClock(file, async () => undefined, () => Buffer.from('B'));
      await clock.readLog();
      const { points, problem } = await clock.resolve([clock.serialMark(0)]);
      expect(problem).toMatch(/disagrees with the serial log at byte 0/);
      expect(points).toEqual([undefined]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
