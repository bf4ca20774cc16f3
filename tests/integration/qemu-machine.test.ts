/**
 * The QEMU backend against real QEMU and real images from Debian packages. Every machine is
 * stopped after its test, and each test checks that no QEMU process is left on its workDir.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InfraError, MachineCrashedError, UnsupportedProfileError } from '../../harness/errors.js';
import type { Machine } from '../../harness/machine/machine.js';
import type { Media } from '../../harness/machine/media.js';
import type { Profile } from '../../harness/machine/profile.js';
import { QemuMachine, type QemuMachineOptions } from '../../harness/machine/qemu/qemu-machine.js';
import { loadProfileFile, PROJECT_VM_CONFIGS } from '../../harness/vm-config/load-profile.js';
import { screenText, waitForText } from '../support/machine-screen.js';
import { poll } from '../support/poll.js';

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

  it('boots the GRUB rescue CD on p3-i440fx to its menu and prompt, sees the attached disk, leaves its inputs untouched, and stop leaves nothing', async () => {
    const before = await Promise.all([fingerprint(GRUB_CD), fingerprint(scratchDisk)]);
    const { machine, workDir } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD, disk: scratchDisk });
    expect(machine.describe()).toMatch(/^d=\$\(mktemp -d\) && mkfifo -m 600 "\$d"\/serial0\.in "\$d"\/serial0\.out && qemu-img create -q -f qcow2 -F raw -b \S+ "\$d"\/\S+ && \{ cat "\$d"\/serial0\.out & \} && qemu-system-i386 -nodefaults .*-cpu pentium3 .*media=cdrom,readonly=on/);
    expect(machine.describe()).not.toContain(workDir);

    await machine.start();
    // GRUB draws its menu top to bottom: the help line under the box is drawn last.
    const menu = await poll('the GRUB menu on the text screen', async () => {
      const rows = await machine.textScreen();
      const text = rows?.join('\n') ?? '';
      return text.includes('GNU GRUB') && text.includes('for a command-line') ? rows : undefined;
    }, { timeoutMs: 20_000, lastSeen: () => screenText(machine) });
    expect(menu.length).toBe(25);
    expect(menu.join('\n')).toMatch(/[┌╔].*[┐╗]/); // The menu box decodes from CP437.

    const shot = await machine.screenshot();
    expect([shot.width, shot.height, shot.data.length]).toEqual([720, 400, 720 * 400 * 4]);
    expect(shot.data.some((v, i) => i % 4 !== 3 && v !== 0)).toBe(true);

    await machine.pressKeys(['c']);
    await waitForText(machine, /grub>/, 10_000);
    await machine.typeText('ls\n', 20);
    const listing = await waitForText(machine, /\((cd|hd|fd)\d/, 10_000);
    expect(listing).toMatch(/\(hd0\)/); // The disk, attached through its overlay, is there.

    expect(machine.describe()).toContain(` -F raw -b ${scratchDisk} `);
    const stats = await machine.stats();
    expect(stats.hostRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(stats.hostPeakRssBytes).toBeGreaterThanOrEqual(stats.hostRssBytes!);

    expect(processesMentioning(workDir)).toHaveLength(1);
    await machine.stop();
    await machine.stop();
    expect(await machine.exited).toEqual({ requested: true, reason: 'stopped by bootgate' });
    expect(processesMentioning(workDir)).toEqual([]);
    expect(await readdir(workDir)).toEqual([]); // FIFOs, socket, overlay and scratch files are gone.
    await expect(machine.textScreen()).rejects.toThrow(InfraError);
    expect(await Promise.all([fingerprint(GRUB_CD), fingerprint(scratchDisk)])).toEqual(before);
  });

  it('never writes through a symlinked input disk: the guest writes to its overlay, the target stays byte-identical', async () => {
    // An ext2 disk holding a GRUB environment block, which GRUB's save_env rewrites in place.
    const dir = await mkdtemp(join(tmpdir(), 'bootgate-link-'));
    try {
      await mkdir(join(dir, 'root'));
      const header = '# GRUB Environment Block\n';
      await writeFile(join(dir, 'root', 'grubenv'), header + '#'.repeat(1024 - header.length));
      execFileSync('mkfs.ext2', ['-q', '-d', join(dir, 'root'), join(dir, 'input.img'), '4M']);
      await symlink(join(dir, 'input.img'), join(dir, 'link.img'));
      const pristine = await readFile(join(dir, 'input.img'));
      const { machine } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD, disk: join(dir, 'link.img') });
      await machine.start();
      await waitForText(machine, /for a command-line/, 20_000);
      await machine.pressKeys(['c']);
      await waitForText(machine, /grub>/, 10_000);
      // The value is put together in the guest, so only the file read back shows it whole.
      await machine.typeText('set by=by\nset mark=written-${by}-guest\nsave_env -f (hd0)/grubenv mark\n', 20);
      // Keys typed while GRUB writes the disk are lost: the next line waits for its prompt.
      await waitForText(machine, /save_env[^\n]*\ngrub>/, 20_000);
      await machine.typeText('cat (hd0)/grubenv\n', 20);
      await waitForText(machine, /^mark=written-by-guest/m, 20_000);
      await machine.stop();
      expect((await lstat(join(dir, 'link.img'))).isSymbolicLink()).toBe(true);
      expect((await readFile(join(dir, 'input.img'))).equals(pristine)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('boots the GRUB rescue floppy on 486-isa (isapc, ISA VGA) to its menu', async () => {
    const { machine } = await newMachine(profile('486-isa'), { floppy: GRUB_FLOPPY });
    await machine.start();
    await waitForText(machine, /GNU GRUB/, 20_000);
  });

  it('boots memtest86+ as a kernel and screenshots its screen', async () => {
    const { machine } = await newMachine(profile('p3-i440fx'), { kernel: MEMTEST });
    await machine.start();
    await waitForText(machine, /memtest86\+/i, 20_000);
    const shot = await machine.screenshot();
    expect(shot.width * shot.height * 4).toBe(shot.data.length);
    expect(shot.data.some((v, i) => i % 4 !== 3 && v !== 0)).toBe(true);
  });

  it('boots the Debian installer at 384 MiB to its first question on the serial console, which answers to serial input', async () => {
    const { machine } = await newMachine({ ...profile('p3-i440fx'), memoryMiB: 384 }, {
      kernel: join(DI, 'linux'),
      initrd: join(DI, 'initrd.gz'),
      append: 'console=ttyS0,115200n8',
    });
    await machine.start();
    // At 384 MiB the installer enters low memory mode: instead of "Select a language" it says so
    // and proceeds in English (with more memory it asks "Select a language").
    const serialTail = () => machine.serial.text.slice(-1500);
    // The dialog is whole, and reads its keys, once its help line is drawn after the question.
    const question = /(Select a language|Entering low memory mode)[\s\S]*<Enter> activates buttons/;
    await poll('the installer\'s first question on serial', () => question.test(machine.serial.text), { timeoutMs: 90_000, lastSeen: serialTail });
    // By now bochs-drm has put the VGA into a 1280×800 framebuffer mode: no text screen to read.
    expect(await machine.textScreen()).toBeUndefined();
    const shot = await machine.screenshot();
    expect([shot.width, shot.height]).toEqual([1280, 800]);
    // Enter activates the highlighted button; the next question proves sendSerial reaches the guest.
    const cursor = machine.serial.cursor;
    await machine.sendSerial('\r');
    await poll('"Select your location" on serial', () => machine.serial.text.slice(cursor).includes('Select your location'), { timeoutMs: 60_000, lastSeen: serialTail });
  });

  it('ends `exited` as not requested, saying how, when QEMU is killed from outside', async () => {
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

  it('reboots the guest to its menu on reset, and ends `exited` as not requested on a guest power-off', async () => {
    const { machine } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD });
    await machine.start();
    await waitForText(machine, /GNU GRUB/, 20_000);
    await machine.pressKeys(['c']);
    await waitForText(machine, /grub>/, 10_000);
    await machine.reset();
    await poll('the menu again, without the prompt of before the reset', async () => {
      const text = await screenText(machine);
      return text.includes('GNU GRUB') && !text.includes('grub>');
    }, { timeoutMs: 20_000, lastSeen: () => screenText(machine) });
    await machine.pressKeys(['c']);
    await waitForText(machine, /grub>/, 10_000);
    await machine.typeText('halt\n', 20);
    expect(await machine.exited).toEqual({ requested: false, reason: 'guest powered off (guest-shutdown)' });
  });
});

describe('QemuMachine refusals', () => {
  it('refuses an unsupported profile in start(), while describe() still says why', async () => {
    const { machine } = await newMachine({ ...profile('486-isa'), vga: 'std' }, { cdrom: GRUB_CD });
    expect(machine.describe()).toMatch(/cannot run this profile: .*vga/);
    await expect(machine.start()).rejects.toThrow(UnsupportedProfileError);
  });

  it('refuses a CPU model this QEMU does not know as an unsupported profile, not a crash', async () => {
    const { machine } = await newMachine({ ...profile('p3-i440fx'), cpu: 'pentium9' }, { cdrom: GRUB_CD });
    const error = await machine.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedProfileError);
    expect((error as UnsupportedProfileError).field).toBe('cpu');
  });

  it('refuses a missing image with a config error, and any second start()', async () => {
    const { machine } = await newMachine(profile('p3-i440fx'), { cdrom: '/nonexistent/cd.iso' });
    await expect(machine.start()).rejects.toThrow(ConfigError);
    await expect(machine.start()).rejects.toThrow(/only once/);
  });

  it('fails on a missing QEMU binary with one infra error naming the package', async () => {
    const { machine } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD }, { binary: 'qemu-system-i386-nonexistent' });
    await expect(machine.start()).rejects.toThrow(/qemu-system-i386-nonexistent not found: apt-get install qemu-system-x86/);
  });

  it('ends the boot and leaves no process when stop() comes during start()', async () => {
    const { machine, workDir } = await newMachine(profile('p3-i440fx'), { cdrom: GRUB_CD });
    const starting = machine.start().catch((e: unknown) => e);
    await sleep(30);
    await machine.stop();
    await starting;
    expect((await machine.exited).requested).toBe(true);
    expect(processesMentioning(workDir)).toEqual([]);
  });
});
