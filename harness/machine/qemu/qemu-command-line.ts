/**
 * MachineSpec → QEMU argv. Pure (no file system, no processes) so every profile's mapping is
 * unit-testable; the caller creates the FIFOs and the overlay these paths name.
 *
 * The machine is built from nothing (`-nodefaults -no-user-config`) so only what the profile
 * names exists, starts paused (`-S`) so no serial output is lost before we listen, and is
 * air-gapped: no NIC unless the profile asks, and then user networking with `restrict=on`.
 */
import { ConfigError, UnsupportedProfileError } from '../../errors.js';
import { ICOUNT_SHIFT } from '../guest-clock.js';
import type { MachineSpec } from '../machine.js';
import type { BootDevice, Profile } from '../profile.js';
import { GUEST_CLOCK_TRACE_EVENTS } from './guest-clock-log.js';

export const QEMU_BINARY = 'qemu-system-i386';
/** What a host without QEMU needs; `bootgate doctor` says the same. */
export const QEMU_INSTALL_HINT = 'apt-get install qemu-system-x86 seabios';

export interface QemuPaths {
  /** Unix socket QEMU listens on for QMP. */
  readonly qmpSocket: string;
  /** Unix socket of the human monitor (readline mode), for batches of port reads (hmp-monitor.ts). */
  readonly hmpSocket: string;
  /** `-chardev pipe` base: QEMU reads guest input from `<base>.in` and writes output to `<base>.out`. */
  readonly serialFifoBase: string;
  /** The qcow2 overlay the disk is attached through (required for a disk unless `diskWritable`). */
  readonly diskOverlay?: string;
  /** Format of `media.disk` when it is attached directly (`diskWritable`). Default raw. */
  readonly diskFormat?: 'raw' | 'qcow2';
  /** Where QEMU writes the guest-clock plugin's counts and the trace events (spec.guestClock). */
  readonly guestClockLog?: string;
}

export interface QemuCommandLineOptions {
  /** Turn on QEMU's seccomp sandbox (`-sandbox on,...`). Default true; off only where the build lacks it. */
  readonly sandbox?: boolean;
  /** Translation-cache size in MiB: without a bound QEMU's RSS grows past 1 GiB (docs/architecture.md, "Translation cache"). */
  readonly tbSizeMiB?: number;
  /** The built guest-clock plugin (guest-clock-plugin.ts); a placeholder name is shown until it is built. */
  readonly guestClockPlugin?: string;
  /** Started as root: become this user, chrooted into `jail`, once everything is open (qemu-user.ts). */
  readonly runAs?: { readonly uid: number; readonly gid: number; readonly jail: string };
  /**
   * The descriptors (in QEMU's process) of the file the guest's disk writes to, one read-write and
   * one read-only: QEMU reopens that file when a migration ends and when it goes on, which a
   * chrooted QEMU could not do by its name (`/dev/fdset`, as libvirt does). The file is this
   * machine's alone, and QEMU's image lock, taken on one descriptor, would refuse the other.
   */
  readonly diskFds?: readonly number[];
}

/** The fd set the disk's descriptors are added to. */
const DISK_FD_SET = 1;

/** Guest time starts here on every run, so nothing the guest reads from its RTC depends on the host. */
export const GUEST_RTC_BASE = '2020-01-01T00:00:00';

const BACKEND = 'qemu';
const AUDIODEV = 'snd0';

export function qemuCommandLine(spec: MachineSpec, paths: QemuPaths, options: QemuCommandLineOptions = {}): string[] {
  const { profile } = spec;
  checkBoard(profile);
  const argv = ['-nodefaults', '-no-user-config', '-display', 'none', '-S'];
  // A VNC server next to the headless display, on the loopback interface only: never reachable
  // from another host. (-display none only means no local window; VNC still sees the VGA.)
  // password=on: no client gets in before QemuMachine sets the job's one-time password over QMP.
  if (spec.vnc !== undefined) argv.push('-vnc', `127.0.0.1:${vncDisplay(spec.vnc)},password=on`);
  if (options.sandbox ?? true) {
    // No fork/exec, no privilege or scheduler changes, no obsolete syscalls: a guest that breaks
    // out of the emulator still cannot run anything on the host. A QEMU that drops root needs
    // setuid for that once (with elevateprivileges=deny it dies of SIGSYS, tried on 7.2); after
    // it, with no capabilities left and no_new_privs set, no uid can be raised again anyway.
    argv.push('-sandbox', `on,obsolete=deny,elevateprivileges=${options.runAs ? 'allow' : 'deny'},spawn=deny,resourcecontrol=deny`);
  }
  if (options.runAs) argv.push('-chroot', options.runAs.jail, '-runas', `${options.runAs.uid}:${options.runAs.gid}`);
  argv.push('-accel', `tcg,tb-size=${options.tbSizeMiB ?? 64}`);
  // The PC speaker is part of every PC board: point it at the silent backend so QEMU never
  // opens host audio, whether or not the profile lists sound cards.
  // vmport is left at QEMU's default (auto: on under TCG) unless the profile asks for the vmmouse:
  // turning it off changed guests' behaviour (Debian's installer stalled after its first question).
  const machineOpts = [
    profile.machine,
    ...(profile.machine === 'pc' ? [`acpi=${profile.acpi ? 'on' : 'off'}`] : []),
    ...(profile.pointer === 'vmmouse' ? ['vmport=on'] : []),
    `pcspk-audiodev=${AUDIODEV}`,
  ];
  argv.push('-machine', machineOpts.join(','));
  argv.push('-cpu', profile.cpu);
  argv.push('-m', `${profile.memoryMiB}M`);
  argv.push('-audiodev', `none,id=${AUDIODEV}`);
  argv.push('-device', vgaDevice(profile));
  for (const fd of options.diskFds ?? []) argv.push('-add-fd', `fd=${fd},set=${DISK_FD_SET}`);
  argv.push(...drives(spec, paths, options.diskFds?.length ? `/dev/fdset/${DISK_FD_SET},file.locking=off` : undefined));
  argv.push(...kernelBoot(spec));
  argv.push('-boot', `order=${bootOrder(profile.bootOrder)}`);
  argv.push(...network(profile));
  // The PIIX3's own UHCI function, as on the real board, with the tablet on its first port.
  if (profile.pointer === 'usb-tablet') argv.push('-device', 'piix3-usb-uhci,id=usb', '-device', 'usb-tablet,bus=usb.0');
  for (const card of profile.sound) {
    if (card !== 'pcspk') argv.push('-device', `${card},audiodev=${AUDIODEV}`);
  }
  argv.push('-chardev', `pipe,id=ser0,path=${opt(paths.serialFifoBase)}`, '-serial', 'chardev:ser0');
  if (spec.guestClock) argv.push(...guestClock(paths, options));
  // The state comes in over QMP (migrate-incoming) once bootgate is connected: qemu-migration.ts.
  if (spec.restoreFrom) argv.push('-incoming', 'defer');
  argv.push('-chardev', `socket,id=qmp0,path=${opt(paths.qmpSocket)},server=on,wait=off`, '-mon', 'chardev=qmp0,mode=control');
  argv.push('-chardev', `socket,id=hmp0,path=${opt(paths.hmpSocket)},server=on,wait=off`, '-mon', 'chardev=hmp0,mode=readline');
  return argv;
}

/** Fields whose values contradict the board: refused up front rather than by a QEMU error later. */
function checkBoard(profile: Profile): void {
  if (profile.machine !== 'pc' && profile.machine !== 'isapc') {
    throw new UnsupportedProfileError(BACKEND, 'machine', `unknown machine type "${String(profile.machine)}" (pc or isapc)`);
  }
  if (!Number.isInteger(profile.memoryMiB) || profile.memoryMiB < 1) {
    throw new UnsupportedProfileError(BACKEND, 'memory', `${profile.memoryMiB} is not a whole number of MiB ≥ 1`);
  }
  if (!/^[A-Za-z0-9_.+-]+(,[A-Za-z0-9_.+=-]+)*$/.test(profile.cpu)) {
    throw new UnsupportedProfileError(BACKEND, 'cpu', `"${profile.cpu}" is not a QEMU CPU model (e.g. 486, pentium, pentium3,-apic)`);
  }
  if (profile.machine === 'isapc') {
    if (profile.vga === 'std' || profile.vga === 'cirrus') {
      throw new UnsupportedProfileError(BACKEND, 'vga', `${profile.vga} is a PCI card and isapc has no PCI bus; use isa-vga or isa-cirrus`);
    }
    if (profile.diskBus === 'ide') {
      throw new UnsupportedProfileError(BACKEND, 'diskBus', 'isapc has no PCI (PIIX) IDE controller; use isa-ide');
    }
    if (profile.nic === 'ne2k_pci' || profile.nic === 'rtl8139' || profile.nic === 'pcnet') {
      throw new UnsupportedProfileError(BACKEND, 'nic', `${profile.nic} is a PCI card and isapc has no PCI bus; use ne2k_isa`);
    }
    if (profile.acpi) throw new UnsupportedProfileError(BACKEND, 'acpi', 'isapc has no ACPI hardware');
    if (profile.pointer === 'usb-tablet') throw new UnsupportedProfileError(BACKEND, 'pointer', 'isapc has no PCI bus, so no USB controller for a tablet; use ps2 or vmmouse');
  } else if (profile.diskBus === 'isa-ide') {
    throw new UnsupportedProfileError(BACKEND, 'diskBus', 'pc has its IDE on the PIIX3; an ISA IDE controller would clash with its ports (use isapc)');
  }
}

function vgaDevice(profile: Profile): string {
  switch (profile.vga) {
    case 'std':
      return 'VGA';
    case 'cirrus':
      return 'cirrus-vga';
    case 'isa-vga':
      return 'isa-vga';
    case 'isa-cirrus':
      return 'isa-cirrus-vga';
    default:
      throw new UnsupportedProfileError(BACKEND, 'vga', `unknown VGA "${String(profile.vga)}"`);
  }
}

/**
 * Disk on the primary master, CD-ROM on the secondary master (where old OSes look for it),
 * floppy as drive A:. `if=ide` lands on the board's own controller: PIIX3 on pc, the two ISA
 * IDE channels on isapc. Inputs are never writable: CD and floppy read-only, the disk through
 * a qcow2 overlay (its backing file is opened read-only by QEMU).
 */
/** `diskFdSet`: the disk's file as its fd set (and options), instead of a path. */
function drives(spec: MachineSpec, paths: QemuPaths, diskFdSet: string | undefined): string[] {
  const { profile, media } = spec;
  const out: string[] = [];
  if (media.disk) {
    if (media.diskWritable) {
      out.push('-drive', `file=${diskFdSet ?? opt(media.disk)},if=ide,index=0,media=disk,format=${paths.diskFormat ?? 'raw'}`);
    } else {
      if (!paths.diskOverlay) throw new Error('qemuCommandLine: a read-only disk needs paths.diskOverlay');
      out.push('-drive', `file=${diskFdSet ?? opt(paths.diskOverlay)},if=ide,index=0,media=disk,format=qcow2`);
    }
  }
  if (media.cdrom) {
    out.push('-drive', `file=${opt(media.cdrom)},if=ide,index=2,media=cdrom,readonly=on,format=raw`);
  }
  if (media.floppy && !profile.floppy) {
    throw new ConfigError(`profile ${profile.name} has no floppy drive for ${media.floppy}`, { field: 'floppy' });
  }
  if (media.floppy) {
    out.push('-drive', `file=${opt(media.floppy)},if=floppy,index=0,readonly=on,format=raw`);
  } else if (profile.floppy) {
    // An empty drive A:, as on the real board: the BIOS and the OS see a drive with no disk.
    out.push('-drive', 'if=floppy,index=0');
  }
  return out;
}

function kernelBoot(spec: MachineSpec): string[] {
  const { media, profile } = spec;
  if (!media.kernel) {
    if (media.initrd) throw new ConfigError('an initrd needs a kernel', { field: 'initrd' });
    if (media.append) throw new ConfigError('a kernel command line needs a kernel', { field: 'append' });
    return [];
  }
  // -kernel/-initrd/-append take their values verbatim (no comma escaping).
  const out = ['-kernel', media.kernel];
  if (media.initrd) out.push('-initrd', media.initrd);
  const append = [media.append, profile.kernelArgs].filter((s): s is string => !!s && s.trim() !== '').join(' ');
  if (append) out.push('-append', append);
  return out;
}

const BOOT_LETTER: Readonly<Record<BootDevice, string>> = { floppy: 'a', disk: 'c', cdrom: 'd', network: 'n' };

function bootOrder(order: readonly BootDevice[]): string {
  const letters = order.map((device) => {
    const letter = BOOT_LETTER[device];
    if (!letter) throw new UnsupportedProfileError(BACKEND, 'bootOrder', `unknown boot device "${String(device)}"`);
    return letter;
  });
  if (letters.length === 0) throw new UnsupportedProfileError(BACKEND, 'bootOrder', 'empty');
  return letters.join('');
}

function network(profile: Profile): string[] {
  if (profile.nic === 'none') return ['-nic', 'none'];
  // User-mode networking with restrict=on: the guest sees a NIC and a DHCP server, but no
  // packet leaves for the host or the outside world.
  return ['-netdev', 'user,id=net0,restrict=on', '-device', `${profile.nic},netdev=net0`];
}

/**
 * Guest time (docs/guest-time.md): instructions drive the virtual clock (`sleep=off`: an idle
 * guest skips ahead instead of waiting for the host), the RTC starts at a fixed date on that
 * clock, and the plugin writes its counts, with the trace events it is read against, to the log.
 */
function guestClock(paths: QemuPaths, options: QemuCommandLineOptions): string[] {
  if (!paths.guestClockLog) throw new Error('qemuCommandLine: guestClock needs paths.guestClockLog');
  return [
    '-icount', `shift=${ICOUNT_SHIFT},sleep=off`,
    '-rtc', `base=${GUEST_RTC_BASE},clock=vm`,
    '-plugin', opt(options.guestClockPlugin ?? 'guest-clock-plugin.so'),
    '-d', ['plugin', ...GUEST_CLOCK_TRACE_EVENTS.map((e) => `trace:${e}`)].join(','),
    '-D', paths.guestClockLog,
  ];
}

function vncDisplay(display: number): number {
  if (!Number.isInteger(display) || display < 0 || display > 59635) {
    throw new ConfigError(`VNC display ${display} is not a whole number from 0 to 59635 (port 5900 + display)`, { field: 'vnc' });
  }
  return display;
}

/** QEMU option values escape a comma by doubling it: a path with commas must not start a new option. */
function opt(value: string): string {
  return value.replaceAll(',', ',,');
}

/** The command line as one shell-pasteable string (POSIX single quotes where needed). */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_./=:,+@%-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}
