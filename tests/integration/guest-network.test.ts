/**
 * A real guest tries to reach the host, and fails: without a NIC in its profile it has no
 * network at all; with one, QEMU's user network (restrict=on) gives it a link and DHCP, but no
 * connection to the host. The host listens on loopback, where slirp's gateway 10.0.2.2 leads.
 *
 * mini-shell's kernel (from the installer) comes without modules, so the guest is mini-shell
 * rebuilt on Debian's 686 kernel package with its NE2000 PCI driver (ne2k-pci and 8390, 40 KB),
 * the PCI twin of the NE2000 the bundled profiles carry.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readResults, ROOT, runCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-network-');

/** mini-shell with a kernel whose modules come along, and the NE2000 PCI driver in its initramfs. */
function writeNetShellPreset(): void {
  const from = join(ROOT, 'presets/mini-shell');
  const dir = join(work, 'presets/net-shell');
  for (const f of ['init', 'inittab', 'profile']) cpSync(join(from, f), join(dir, f));
  const preset = parse(readFileSync(join(from, 'preset.yaml'), 'utf8'));
  preset.name = 'net-shell';
  preset.image.volumeId = 'BOOTGATE_NET_SHELL';
  const { recipe } = preset;
  recipe.packages = recipe.packages.filter((p: { name: string }) => p.name !== 'debian-installer-12-netboot-i386');
  recipe.packages.unshift({ name: 'linux-image-686', follow: 'depends', why: 'a kernel with its modules' });
  recipe.kernel = { package: 'linux-image-686', path: '/boot/vmlinuz-*' };
  recipe.initramfs.modules = { package: 'linux-image-686', load: ['ne2k_pci'] };
  preset.profiles = { claimed: ['p3-i440fx'] };
  writeFileSync(join(dir, 'preset.yaml'), stringify(preset));
}

let server: Server;
let port = 0;
const connections: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    connections.push(socket);
    socket.end('HTTP/1.0 200 OK\r\n\r\nhost reached\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  for (const socket of connections) socket.destroy();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('guest network', () => {
  it('a guest reaches no host port: no NIC by default, and restrict=on behind one', { timeout: 600_000 }, async () => {
    writeNetShellPreset();
    const nicProfile = parse(readFileSync(join(ROOT, 'vm-configs/p3-i440fx.yaml'), 'utf8'));
    writeFileSync(join(work, 'p3-ne2k-pci.yaml'), stringify({ ...nicProfile, description: 'p3-i440fx with an NE2000 PCI card', nic: 'ne2k_pci' }));
    // One line, so the shell runs it as one job; each probe prints its exit status, and the
    // closing marker differs from its echo.
    const probe = [
      'depmod',
      'modprobe ne2k-pci',
      'ip link set eth0 up',
      'udhcpc -i eth0 -n -q -t 3 -T 1 -s /bin/true',
      'ip addr add 10.0.2.15/24 dev eth0',
      'ip route add default via 10.0.2.2',
      'ip -o link',
      `wget -T 5 -O - http://10.0.2.2:${port}/; echo wget-exit=$?`,
      `echo hello | nc -w 5 10.0.2.2 ${port}; echo nc-exit=$?`,
      'echo probe-$((40+2))-done',
    ].join('; ');
    writeFileSync(
      join(work, 'reach-host.yaml'),
      stringify({
        image: { cdrom: { preset: 'net-shell' } },
        profiles: ['p3-i440fx', 'p3-ne2k-pci.yaml'],
        memory: 64,
        timeout: '3m',
        steps: [
          { waitSerial: 'bootgate-mini-shell: shell ready', timeout: '90s' },
          { sendSerial: `${probe}\n` },
          { waitSerial: 'probe-42-done', timeout: '90s' },
        ],
      }),
    );
    const report = join(work, 'report');
    const { code, stdout, stderr } = await runCli(['run', join(work, 'reach-host.yaml'), '--report-dir', report], { timeoutMs: 540_000 });
    expect(code, stdout + stderr).toBe(0);

    const serial = (profile: string) => {
      const job = readResults(report).jobs.find((j) => j.profile === profile)!;
      return readFileSync(join(report, job.artifacts.serialLog!), 'utf8');
    };
    const bare = serial('p3-i440fx');
    const behindNic = serial('p3-ne2k-pci');

    expect(connections.map((s) => `${s.remoteAddress}:${s.remotePort}`)).toEqual([]);
    // No NIC: the driver loads but finds no card, so only the loopback link exists.
    expect(bare).not.toMatch(/^\d+: eth0:/m);
    expect(bare).toMatch(/wget-exit=1/);
    expect(bare).toMatch(/nc-exit=1/);
    // A NIC: the card is up and slirp's DHCP answers (so the link works), yet no connection is made.
    expect(behindNic).toMatch(/^\d+: eth0:.*UP/m);
    expect(behindNic).toMatch(/lease of 10\.0\.2\.15 obtained/);
    expect(behindNic).not.toMatch(/host reached/);
    expect(behindNic).toMatch(/wget-exit=1/);
    expect(behindNic).toMatch(/nc-exit=1/);
  });
});
