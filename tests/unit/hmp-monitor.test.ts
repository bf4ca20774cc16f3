import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HmpMonitor } from '../../harness/machine/qemu/hmp-monitor.js';

describe('HmpMonitor', () => {
  /** A readline monitor as QEMU 7.2 runs one: banner, then per line an echo with redraws, the output, a prompt. */
  async function fakeHmp(answer: (line: string) => string) {
    const dir = await mkdtemp(join(tmpdir(), 'bg-hmp-'));
    const path = join(dir, 'hmp.sock');
    const server = createServer((socket) => {
      socket.write("QEMU 7.2.22 monitor - type 'help' for more information\r\n(qemu) ");
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const echo = [...line].map((_, i) => `${line.slice(0, i + 1)}\x1b[K\x1b[D`).join('');
          const out = answer(line);
          socket.write(`${echo}\r\n${out ? `${out}\r\n` : ''}(qemu) `);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return { path, close: async () => { await new Promise((r) => server.close(r)); await rm(dir, { recursive: true, force: true }); } };
  }

  it('runs a batch and returns each line its own output, echo and prompts stripped', async () => {
    const server = await fakeHmp((line) => (line.startsWith('i ') ? `portb[0x${line.slice(7).padStart(4, '0')}] = 0x67` : ''));
    try {
      const hmp = await HmpMonitor.connect(server.path);
      expect(await hmp.run(['i /b 0x3cc', 'o /b 0x3ce 0x6', 'i /b 0x3cf'])).toEqual(['portb[0x03cc] = 0x67', '', 'portb[0x03cf] = 0x67']);
      expect(await hmp.run(['cont'])).toEqual(['']);
      hmp.close();
    } finally {
      await server.close();
    }
  });

  it('turns a refusal into a typed error, as QEMU words it', async () => {
    const server = await fakeHmp((line) => (line === 'bogus' ? "unknown command: 'bogus'" : line === 'o /b 0x3d4' ? 'unexpected end of expression\r\nTry "help o" for more information' : ''));
    try {
      const hmp = await HmpMonitor.connect(server.path);
      await expect(hmp.run(['cont', 'bogus'])).rejects.toMatchObject({ qmpClass: 'HmpError', desc: "unknown command: 'bogus'" });
      await expect(hmp.run(['o /b 0x3d4'])).rejects.toThrow(/unexpected end of expression/);
      expect(await hmp.run(['stop'])).toEqual(['']); // the monitor is still in step after a refusal
      hmp.close();
    } finally {
      await server.close();
    }
  });
});
