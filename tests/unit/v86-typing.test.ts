import { describe, expect, it } from 'vitest';
import { chordsForText } from '../../harness/machine/keys.js';
import { biosKeyBuffer, typeChords, type Clock, type KeyboardPort } from '../../harness/machine/v86/v86-typing.js';

/**
 * A simulated guest on a fake clock: the PS/2 controller hands one byte per `byteMs` to the
 * BIOS, which stores a key per make code in its 15-key ring buffer (dropping the rest, as a
 * real BIOS does); the program reads a key per `readMs`, or none while `busyUntil`.
 */
function guest(opts: { byteMs?: number; readMs?: number; busyUntil?: number; bios?: boolean } = {}) {
  const { byteMs = 1, readMs = 1, busyUntil = 0, bios = true } = opts;
  let now = 0;
  const controller: number[] = [];
  let head = 0;
  let tail = 0;
  const typed: number[] = [];
  let dropped = 0;
  let nextByte = 0;
  let nextRead = 0;
  const advance = (until: number) => {
    while (now < until) {
      now += 1;
      if (controller.length && now >= nextByte) {
        const code = controller.shift()!;
        nextByte = now + byteMs;
        if (bios && !(code & 0x80) && code !== 0xe0) {
          if ((tail - head) / 2 >= 15) dropped++;
          else tail += 2;
          typed.push(code);
        }
      }
      if (now >= busyUntil && tail > head && now >= nextRead) {
        head += 2;
        nextRead = now + readMs;
      }
    }
  };
  const port: KeyboardPort = {
    send: (codes) => void controller.push(...codes),
    unread: () => controller.length,
    biosBuffer: () => ({ head: 0x1e + (head % 32), tail: 0x1e + (tail % 32), queued: (tail - head) / 2 }),
  };
  const clock: Clock = { sleep: async (ms) => advance(now + ms), now: () => now };
  return { port, clock, dropped: () => dropped, stored: () => typed.length, elapsed: () => now };
}

describe('typeChords', () => {
  it('sends one chord at a time, at least 10 ms apart', async () => {
    const sent: number[][] = [];
    const g = guest();
    const port: KeyboardPort = { ...g.port, send: (codes) => { sent.push([...codes]); g.port.send(codes); } };
    await typeChords(port, chordsForText('ls\n'), 0, g.clock);
    expect(sent).toEqual([[0x26, 0xa6], [0x1f, 0x9f], [0x1c, 0x9c]]);
    expect(g.elapsed()).toBeGreaterThanOrEqual(30);
  });

  it('loses no key while the program is too busy to read them (the BIOS keeps only 15)', async () => {
    const text = 'set gfxmode=800x600x32\nterminal_output gfxterm\n';
    const g = guest({ busyUntil: 2000 });
    await typeChords(g.port, chordsForText(text), 10, g.clock);
    expect(g.dropped()).toBe(0);
    expect(g.elapsed()).toBeGreaterThan(2000);
  });

  it('would lose keys without the BIOS check: the simulation is honest', async () => {
    const text = 'set gfxmode=800x600x32\n';
    const g = guest({ busyUntil: 2000 });
    const blind: KeyboardPort = { ...g.port, biosBuffer: () => ({ head: 0, tail: 0, queued: 0 }) };
    await typeChords(blind, chordsForText(text), 10, g.clock);
    expect(g.dropped()).toBeGreaterThan(0);
  });

  it('ignores a frozen BIOS buffer (an OS that does not use the BIOS) instead of waiting on it', async () => {
    const g = guest({ bios: false });
    const frozen: KeyboardPort = { ...g.port, biosBuffer: () => ({ head: 0x1e, tail: 0x26, queued: 4 + 1 }) };
    await typeChords(frozen, chordsForText('hello'), 10, g.clock);
    expect(g.elapsed()).toBeLessThan(100);
  });

  it('gives up waiting on a controller nobody reads, without hanging', async () => {
    let sent = 0;
    const port: KeyboardPort = { send: () => void sent++, unread: () => 100, biosBuffer: () => ({ head: 0, tail: 0, queued: 0 }) };
    let now = 0;
    await typeChords(port, chordsForText('ab'), 10, { sleep: async (ms) => void (now += ms), now: () => now });
    expect(sent).toBe(2);
  });
});

describe('biosKeyBuffer', () => {
  it('counts the keys between head and tail, across the wrap', () => {
    const bda = new Uint8Array(0x100);
    const set = (offset: number, value: number) => {
      bda[offset - 0x400] = value & 0xff;
      bda[offset - 0x400 + 1] = value >> 8;
    };
    set(0x480, 0x1e);
    set(0x482, 0x3e);
    set(0x41a, 0x3a);
    set(0x41c, 0x22);
    expect(biosKeyBuffer(bda)).toEqual({ head: 0x3a, tail: 0x22, queued: 4 });
    set(0x480, 0); // bounds not set (old BIOS): the standard ones
    set(0x41c, 0x3a);
    expect(biosKeyBuffer(bda).queued).toBe(0);
  });
});
