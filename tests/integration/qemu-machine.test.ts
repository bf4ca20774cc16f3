/**
 * The QEMU backend against real QEMU and real images from Debian packages. Every machine is
 * stopped after its test, and each test checks that no QEMU process is left on its workDir.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InfraError, MachineCrashedError, UnsupportedProfileError } from '../../harness/errors.js';
import type { Machine } from '../../harness/machine/machine.js';
import type { Media } from '../../harness/machine/media.js';
import type { Profile } from '../../harness/machine/profile.js';
import { QemuMachine, type QemuMachineOptions } from '../../harness/machine/qemu/qemu-machine.js';
import { loadProfileFile, PROJECT_VM_CONFIGS } from '../../harness/vm-config/load-profile.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const GRUB_FLOPPY = '/usr/lib/grub-rescue/grub-rescue-floppy.img';
const MEMTEST = '/boot/memtest86+ia32.bin';
const DI = '/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386';

const profile = (name: string): Profile => loadProfileFile(join(PROJECT_VM_CONFIGS, `${name}.yaml`));

const live: { machine: Machine; workDir: string }[] = [];

async function newMachine(p: Profile, media: Media, options?: QemuMachineOptions): Promise<{ machine: QemuMachine; workDir: string }> {
  const workDir = await mkdtemp(join(tmpdir(), 'bootgate-qemu-test-'));
  const machine = new QemuMachine({ profile: p, media, workDir }, options);
  live.push({ machine, workDir });
  return { machine, workDir };
}

/** Command lines of processes that mention `text` (our workDirs are unique, so this finds our QEMU). */
function processesMentioning(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', '--', text], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches.
  }
}

afterEach(async () => {
  for (const { machine, workDir } of live.splice(0)) {
    await machine.stop();
    expect(processesMentioning(workDir)).toEqual([]);
    await rm(workDir, { recursive: true, force: true });
  }
});

/** Polls `probe` until it returns something truthy; fails with what it saw last. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>, describeLast: () => Promise<string> | string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; last seen:\n${await describeLast()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const screenText = async (m: Machine) => ((await m.textScreen()) ?? ['(graphics mode)']).join('\n');

async function fingerprint(file: string): Promise<{ sha256: string; mtimeMs: number; size: number }> {
  const [data, info] = await Promise.all([readFile(file), stat(file)]);
  return { sha256: createHash('sha256').update(data).digest('hex'), mtimeMs: info.mtimeMs, size: info.size };
}

describe('QemuMachine on real QEMU', () => {
  let scratchDisk: string;
  beforeAll(async () => {
    scratchDisk = join(await mkdtemp(join(tmpdir(), 'bootgate-disk-')), 'blank.raw');
    await writeFile(scratchDisk, Buffer.alloc(4 * 1024 * 1024));
  });
  afterAll(async () => {
    await rm(dirname(scratchDisk), { recursive: true, force: true });
  });

  it('GRUB rescue CD on p3-i440fx: menu, c → grub>, ls lists devices; inputs untouched; stop leaves nothing', async () => {
    const before = await Promise.all([fingerprint(GRUB_CD), fingerprint(scratchDisk)]);
    const { machine, workDir } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD, disk: scratchDisk });
    expect(machine.describe()).toMatch(/^d=\$\(mktemp -d\) && mkfifo -m 600 "\$d"\/serial0\.in "\$d"\/serial0\.out && qemu-img create -q -f qcow2 -b \S+ "\$d"\/\S+ && \{ cat "\$d"\/serial0\.out & \} && qemu-system-i386 -nodefaults .*-cpu pentium3 .*media=cdrom,readonly=on/);
    expect(machine.describe()).not.toContain(workDir);

    const t0 = performance.now();
    await machine.start();
    // GRUB draws its menu top to bottom: the help line under the box is drawn last.
    const menu = await waitFor('the GRUB menu on the text screen', 20_000, async () => {
      const rows = await machine.textScreen();
      const text = rows?.join('\n') ?? '';
      return text.includes('GNU GRUB') && text.includes('for a command-line') ? rows : undefined;
    }, () => screenText(machine));
    const toMenuMs = performance.now() - t0;
    expect(menu.length).toBe(25);
    expect(menu.join('\n')).toMatch(/[┌╔].*[┐╗]/); // The menu box decodes from CP437.

    const shot = await machine.screenshot();
    expect([shot.width, shot.height, shot.data.length]).toEqual([720, 400, 720 * 400 * 4]);
    expect(shot.data.some((v, i) => i % 4 !== 3 && v !== 0)).toBe(true);

    await machine.pressKeys(['c']);
    await waitFor('the grub> prompt', 10_000, async () => (await screenText(machine)).includes('grub>'), () => screenText(machine));
    await machine.typeText('ls\n', 20);
    const listing = await waitFor('a device list', 10_000, async () => {
      const text = await screenText(machine);
      return /\((cd|hd|fd)\d/.test(text) ? text : undefined;
    }, () => screenText(machine));
    expect(listing).toMatch(/\(hd0\)/); // The disk, attached through its overlay, is there.

    expect(machine.describe()).toContain(` -F raw -b ${scratchDisk} `);
    const stats = await machine.stats();
    expect(stats.hostRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(stats.hostPeakRssBytes).toBeGreaterThanOrEqual(stats.hostRssBytes!);
    console.log(`GRUB CD: menu after ${toMenuMs.toFixed(0)} ms; RSS ${(stats.hostRssBytes! / 2 ** 20).toFixed(0)} MiB, peak ${(stats.hostPeakRssBytes! / 2 ** 20).toFixed(0)} MiB`);

    expect(processesMentioning(workDir)).toHaveLength(1);
    await machine.stop();
    await machine.stop();
    expect(await machine.exited).toEqual({ requested: true, reason: 'stopped by bootgate' });
    expect(processesMentioning(workDir)).toEqual([]);
    expect(await readdir(workDir)).toEqual([]); // FIFOs, socket, overlay and scratch files are gone.
    await expect(machine.textScreen()).rejects.toThrow(InfraError);
    expect(await Promise.all([fingerprint(GRUB_CD), fingerprint(scratchDisk)])).toEqual(before);
  });

  it('GRUB rescue floppy on 486-isa (isapc, ISA VGA) reaches the menu', async () => {
    const { machine } = await newMachine(profile('486-isa'), { floppy: GRUB_FLOPPY });
    await machine.start();
    await waitFor('GNU GRUB on the text screen', 20_000, async () => (await screenText(machine)).includes('GNU GRUB'), () => screenText(machine));
  });

  it('memtest86+ as a kernel shows its screen', async () => {
    const { machine } = await newMachine(profile('p3-i440fx'), { kernel: MEMTEST });
    await machine.start();
    const text = await waitFor('memtest86+ on screen', 20_000, async () => {
      const rows = await machine.textScreen();
      const joined = rows?.join('\n') ?? '';
      return /memtest86\+/i.test(joined) ? joined : undefined;
    }, () => screenText(machine));
    expect(text).toMatch(/Memtest86\+/i);
    const shot = await machine.screenshot();
    expect(shot.width * shot.height * 4).toBe(shot.data.length);
    expect(shot.data.some((v, i) => i % 4 !== 3 && v !== 0)).toBe(true);
  });

  it('Debian installer at 384 MiB asks its first question on the serial console and answers to serial input', async () => {
    const { machine } = await newMachine({ ...profile('p3-i440fx'), memoryMiB: 384 }, {
      kernel: join(DI, 'linux'),
      initrd: join(DI, 'initrd.gz'),
      append: 'console=ttyS0,115200n8',
    });
    const t0 = performance.now();
    await machine.start();
    // At 384 MiB the installer enters low memory mode: instead of "Select a language" it says so
    // and proceeds in English (with more memory it asks "Select a language").
    await waitFor('the installer\'s first question on serial', 90_000, async () => /Select a language|Entering low memory mode/.test(machine.serial.text), () => machine.serial.text.slice(-1500));
    console.log(`Debian installer: first question on serial after ${(performance.now() - t0).toFixed(0)} ms; ${JSON.stringify(await machine.stats())}`);
    // By now bochs-drm has put the VGA into a 1280×800 framebuffer mode: no text screen to read.
    expect(await machine.textScreen()).toBeUndefined();
    const shot = await machine.screenshot();
    expect([shot.width, shot.height]).toEqual([1280, 800]);
    // Enter activates the highlighted button; the next question proves sendSerial reaches the guest.
    const cursor = machine.serial.cursor;
    await machine.sendSerial('\r');
    await waitFor('"Select your location" on serial', 30_000, async () => machine.serial.text.slice(cursor).includes('Select your location'), () => machine.serial.text.slice(-1500));
  });

  it('a QEMU killed from outside ends `exited` with requested:false and says how', async () => {
    const { machine, workDir } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD });
    await machine.start();
    const [line] = processesMentioning(workDir);
    const pid = Number(line?.split(' ')[0]);
    expect(pid).toBeGreaterThan(1);
    process.kill(pid, 'SIGKILL');
    const exit = await machine.exited;
    expect(exit.requested).toBe(false);
    expect(exit.reason).toMatch(/SIGKILL/);
    await expect(machine.screenshot()).rejects.toThrow(MachineCrashedError);
    await machine.stop(); // Still fine after a crash.
  });

  it('reset reboots the guest back to its menu; a guest power-off ends `exited` as not requested', async () => {
    const { machine } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD });
    await machine.start();
    await waitFor('GNU GRUB', 20_000, async () => (await screenText(machine)).includes('GNU GRUB'));
    await machine.pressKeys(['c']);
    await waitFor('grub>', 10_000, async () => (await screenText(machine)).includes('grub>'));
    await machine.reset();
    await waitFor('the menu again', 20_000, async () => {
      const text = await screenText(machine);
      return text.includes('GNU GRUB') && !text.includes('grub>');
    }, () => screenText(machine));
    await machine.pressKeys(['c']);
    await waitFor('grub> after the reset', 10_000, async () => (await screenText(machine)).includes('grub>'));
    await machine.typeText('halt\n', 20);
    expect(await machine.exited).toEqual({ requested: false, reason: 'guest powered off (guest-shutdown)' });
  });
});

describe('QemuMachine refusals', () => {
  it('an unsupported profile is refused by start(), while describe() still says why', async () => {
    const { machine } = await newMachine({ ...profile('486-isa'), vga: 'std' }, { cdrom: GRUB_CD });
    expect(machine.describe()).toMatch(/cannot run this profile: .*vga/);
    await expect(machine.start()).rejects.toThrow(UnsupportedProfileError);
  });

  it('a CPU model this QEMU does not know is an unsupported profile, not a crash', async () => {
    const { machine } = await newMachine({ ...profile('p3-i440fx'), cpu: 'pentium9' }, { cdrom: GRUB_CD });
    const error = await machine.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedProfileError);
    expect((error as UnsupportedProfileError).field).toBe('cpu');
  });

  it('a missing image is a config error naming the field', async () => {
    const { machine } = await newMachine(profile('p3-i440fx'), { cdrom: '/nonexistent/cd.iso' });
    await expect(machine.start()).rejects.toThrow(ConfigError);
    await expect(machine.start()).rejects.toThrow(/only once/);
  });

  it('a missing QEMU binary is one infra error naming the package', async () => {
    const { machine } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD }, { binary: 'qemu-system-i386-nonexistent' });
    await expect(machine.start()).rejects.toThrow(/qemu-system-i386-nonexistent not found: apt-get install qemu-system-x86/);
  });

  it('stop() during start() ends the boot and leaves no process', async () => {
    const { machine, workDir } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD });
    const starting = machine.start().catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await machine.stop();
    await starting;
    expect((await machine.exited).requested).toBe(true);
    expect(processesMentioning(workDir)).toEqual([]);
  });
});
