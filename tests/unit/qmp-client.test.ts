import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InfraError } from '../../harness/errors.js';
import { QmpClient } from '../../harness/machine/qemu/qmp-client.js';
import { QmpError } from '../../harness/machine/qemu/qmp-error.js';

describe('QmpClient against a scripted QMP server', () => {
  const GREETING = { QMP: { version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'test' }, capabilities: [] } };

  /** A QMP server that answers by a table and records what it got; listening starts after `delayMs`. */
  async function fakeQmp(answer: (cmd: { execute: string; arguments?: Record<string, unknown> }) => object, delayMs = 0) {
    const dir = await mkdtemp(join(tmpdir(), 'bg-qmp-test-'));
    const path = join(dir, 'qmp.sock');
    const received: string[] = [];
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.write(`${JSON.stringify(GREETING)}\r\n`);
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const cmd = JSON.parse(buffer.slice(0, nl)) as { execute: string; id: string; arguments?: Record<string, unknown> };
          buffer = buffer.slice(nl + 1);
          received.push(cmd.execute);
          if (cmd.execute === 'qmp_capabilities') socket.write(`${JSON.stringify({ return: {}, id: cmd.id })}\r\n`);
          else socket.write(`${JSON.stringify({ ...answer(cmd), id: cmd.id })}\r\n`);
        }
      });
    });
    setTimeout(() => server.listen(path), delayMs);
    const close = async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    };
    return { path, received, sockets, close };
  }

  it('waits for the socket, negotiates capabilities, matches replies, and types refusals', async () => {
    const server = await fakeQmp((cmd) => {
      if (cmd.execute === 'query-status') return { return: { running: true, status: 'running' } };
      return { error: { class: 'CommandNotFound', desc: `The command ${cmd.execute} has not been found` } };
    }, 150);
    try {
      const qmp = await QmpClient.connect(server.path, { timeoutMs: 5000 });
      expect(qmp.greeting?.version.qemu.major).toBe(7);
      expect(server.received).toEqual(['qmp_capabilities']);
      const [status, again] = await Promise.all([qmp.execute<{ running: boolean }>('query-status'), qmp.execute<{ running: boolean }>('query-status')]);
      expect([status.running, again.running]).toEqual([true, true]);
      expect(qmp.sentCount('query-status')).toBe(2);
      const refused = await qmp.execute('nonexistent').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(QmpError);
      expect(refused).toBeInstanceOf(InfraError);
      expect(refused).toMatchObject({ command: 'nonexistent', qmpClass: 'CommandNotFound', desc: 'The command nonexistent has not been found' });

      const event = qmp.waitForEvent('SHUTDOWN', 2000, (e) => e.data?.guest === true);
      server.sockets[0]!.write(`${JSON.stringify({ event: 'SHUTDOWN', data: { guest: false }, timestamp: { seconds: 1, microseconds: 0 } })}\r\n`);
      server.sockets[0]!.write(`${JSON.stringify({ event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' }, timestamp: { seconds: 2, microseconds: 0 } })}\r\n`);
      expect((await event).data).toEqual({ guest: true, reason: 'guest-shutdown' });

      // A command in flight when the connection drops rejects instead of hanging.
      server.sockets[0]!.pause();
      const pending = qmp.execute('query-status');
      server.sockets[0]!.destroy();
      await expect(pending).rejects.toThrow(InfraError);
      await qmp.closed;
      expect(qmp.isOpen).toBe(false);
      await expect(qmp.execute('query-status')).rejects.toThrow(/connection (closed|lost)/);
    } finally {
      await server.close();
    }
  });

  it('gives up when told to, and after its timeout', async () => {
    const missing = join(tmpdir(), `bg-no-such-${process.pid}.sock`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new InfraError('qemu exited while starting')), 100);
    await expect(QmpClient.connect(missing, { timeoutMs: 5000, signal: controller.signal })).rejects.toThrow('qemu exited while starting');
    await expect(QmpClient.connect(missing, { timeoutMs: 200 })).rejects.toThrow(/did not accept a connection within 200 ms/);
  });
});
