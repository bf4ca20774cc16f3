import { afterEach, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../harness/cli/doctor-command.js';

const saved = { PATH: process.env.PATH, BOOTGATE_CACHE: process.env.BOOTGATE_CACHE };
afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.BOOTGATE_CACHE === undefined) delete process.env.BOOTGATE_CACHE;
  else process.env.BOOTGATE_CACHE = saved.BOOTGATE_CACHE;
});

async function doctor(): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await doctorCommand((line) => lines.push(line));
  return { code, lines };
}

describe('bootgate doctor', () => {
  it('names a missing QEMU and an unwritable cache with their fixes, and exits 3', async () => {
    process.env.PATH = '/nonexistent';
    process.env.BOOTGATE_CACHE = '/etc/hostname/bootgate-cache';
    const { code, lines } = await doctor();
    expect(code).toBe(3);
    expect(lines).toContain('MISSING qemu-system-i386: not on PATH: apt-get install qemu-system-x86 seabios');
    expect(lines).toContain('MISSING cache folder: /etc/hostname/bootgate-cache not writable: set BOOTGATE_CACHE to a writable folder');
    expect(lines.at(-1)).toBe('2 thing(s) missing: bootgate run will fail on them');
  });

  it('passes on this host, which has every package (the integration tests need them too)', async () => {
    const { code, lines } = await doctor();
    expect(lines.filter((l) => l.startsWith('MISSING'))).toEqual([]);
    expect(lines.some((l) => l.startsWith('ok      SeaBIOS: /usr/share/seabios/bios.bin'))).toBe(true);
    expect(code).toBe(0);
  });

  it('says which user QEMU runs as: never root', async () => {
    const { lines } = await doctor();
    const line = lines.find((l) => l.includes('QEMU runs as: '));
    expect(line).toBeDefined();
    if (process.getuid?.() === 0) expect(line).toMatch(/QEMU runs as: (?!root)\S+ \(uid [1-9]\d*, gid \d+\), chrooted into its work folder, not root/);
    else expect(line).toMatch(/QEMU runs as: \S+ \(uid \d+\), bootgate's own user/);
  });
});
