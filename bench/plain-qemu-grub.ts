/**
 * The baseline for the GRUB CD benchmark: the least a person would write by hand to do the same
 * job — start QEMU, speak raw QMP, poll VGA text memory, press `c`, type `ls`, wait for the device
 * list. No bootgate code is imported. Prints one JSON line with its timings.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ISO = process.argv[2] ?? '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const t0 = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'plain-qemu-'));
const qmpPath = join(dir, 'qmp.sock');
const qemu = spawn('qemu-system-i386', [
  '-nodefaults', '-no-user-config', '-display', 'none', '-S', '-accel', 'tcg,tb-size=64',
  '-machine', 'pc', '-cpu', 'pentium3', '-m', '128', '-device', 'VGA',
  '-drive', `file=${ISO},media=cdrom,readonly=on,if=ide,index=2`,
  '-qmp', `unix:${qmpPath},server=on,wait=off`,
], { stdio: 'ignore' });

let sock: Socket;
let buffer = '';
let nextId = 0;
const pending = new Map<number, (v: unknown) => void>();

function cmd(execute: string, args?: object): Promise<any> {
  const id = nextId++;
  sock.write(JSON.stringify({ execute, arguments: args, id }) + '\n');
  return new Promise((resolve) => pending.set(id, resolve));
}

async function connect(): Promise<void> {
  for (;;) {
    try {
      sock = await new Promise<Socket>((resolve, reject) => {
        const s = createConnection(qmpPath, () => resolve(s));
        s.once('error', reject);
      });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  sock.on('data', (d) => {
    buffer += d.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      if ('id' in msg) pending.get(msg.id)?.(msg.return);
    }
  });
  await cmd('qmp_capabilities');
}

async function screenText(): Promise<string> {
  const file = join(dir, 'vga.bin');
  await cmd('human-monitor-command', { 'command-line': `pmemsave 0xb8000 4000 "${file}"` });
  const bytes = readFileSync(file);
  let text = '';
  for (let i = 0; i < bytes.length; i += 2) text += String.fromCharCode(bytes[i]!) + ((i / 2) % 80 === 79 ? '\n' : '');
  return text;
}

async function waitFor(re: RegExp): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!re.test(await screenText())) {
    if (performance.now() > deadline) throw new Error(`timeout waiting for ${re}:\n${await screenText()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function key(qcode: string): Promise<void> {
  await cmd('send-key', { keys: [{ type: 'qcode', data: qcode }] });
  await new Promise((r) => setTimeout(r, 25));
}

try {
  await connect();
  await cmd('cont');
  await waitFor(/GNU GRUB/);
  // bootgate's scenario then waits until the screen matches the whole menu's golden; GRUB draws
  // the countdown line last, so waiting for it and taking one screendump is the same work.
  await waitFor(/executed automatically/);
  await cmd('screendump', { filename: join(dir, 'menu.png'), format: 'png' });
  const timeToMenuMs = performance.now() - t0;
  await key('c');
  await waitFor(/grub> *\n/);
  for (const k of ['l', 's', 'ret']) await key(k);
  await waitFor(/\((cd|hd|fd)[0-9,)]/);
  const totalMs = performance.now() - t0;
  const status = readFileSync(`/proc/${qemu.pid}/status`, 'utf8');
  const qemuPeakRssKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  await cmd('quit');
  process.stdout.write(JSON.stringify({ timeToMenuMs, totalMs, qemuPeakRssBytes: qemuPeakRssKiB * 1024 }) + '\n');
} finally {
  qemu.kill('SIGKILL');
  sock!?.destroy();
  rmSync(dir, { recursive: true, force: true });
}
