/**
 * A machine profile plus media → the options object of `new V86(...)`. Pure: the host paths and
 * image sizes come in as arguments, so the mapping and every refusal are unit-testable.
 *
 * The result is plain JSON on purpose: images are given by path (`{ url }`), which v86 reads
 * itself in Node, so describe() can print exactly what a bare v86 script needs to reproduce
 * the machine.
 */
import { join } from 'node:path';
import { ConfigError, UnsupportedProfileError } from '../../errors.js';
import type { MachineSpec } from '../machine.js';
import type { BootDevice, Profile } from '../profile.js';

/** An image by path. v86 reads `async` images lazily through a read-only fd; others whole, into memory. */
export interface V86FileImage {
  readonly url: string;
  readonly async?: boolean;
  readonly size?: number;
}

/** The subset of v86's constructor options bootgate sets, all JSON. */
export interface V86OptionsJson {
  readonly wasm_path: string;
  readonly memory_size: number;
  readonly vga_memory_size: number;
  readonly bios: V86FileImage;
  readonly vga_bios: V86FileImage;
  readonly cdrom?: V86FileImage;
  readonly fda?: V86FileImage;
  readonly hda?: V86FileImage;
  readonly bzimage?: V86FileImage;
  readonly initrd?: V86FileImage;
  readonly cmdline?: string;
  /** A save_state() dump to start from instead of booting (v86 applies it before the CPU runs). */
  readonly initial_state?: V86FileImage;
  readonly boot_order: number;
  readonly acpi: boolean;
  readonly autostart: true;
  readonly disable_jit: boolean;
  /** `none` is not in v86's typings, but any type other than ne2k/virtio creates no NIC at all. */
  readonly net_device: { readonly type: 'none' | 'ne2k' };
  readonly disable_speaker: true;
  readonly disable_keyboard: true;
  readonly disable_mouse: true;
}

export interface V86Host {
  /** v86's `build/v86.wasm` from the installed package. */
  readonly wasmPath: string;
  /** Debian's SeaBIOS: `bios.bin` and the std VGA BIOS (the cirrus one leaves the screen blank in v86). */
  readonly biosPath: string;
  readonly vgaBiosPath: string;
  /**
   * The x86→wasm JIT. Measured here (2 cores): Debian's installer kernel reached "Select a
   * language" in 69 s with it and had not after 180 s without; the GRUB CD menu takes 2.6–3.1 s
   * with it and 1.5 s without; the JIT costs ~170 MB more peak process RSS (~290 vs ~120 MB).
   */
  readonly jit: boolean;
  /** Byte sizes of the CD and disk images; with a size v86 reads them on demand instead of whole. */
  readonly imageSizes?: { readonly cdrom?: number; readonly disk?: number };
}

const MiB = 1024 * 1024;
/** The file saveState() writes into its folder: v86's own save_state() format, uncompressed. */
export const V86_STATE_FILE = 'machine.v86';
/** v86 keeps guest RAM, VRAM and its own tables in one 32-bit wasm memory, below the PCI hole. */
const MAX_MEMORY_MIB = 3072;
const VGA_MEMORY_BYTES = 8 * MiB;

/** SeaBIOS CMOS boot-order codes as v86 writes them: first device in the lowest nibble. */
const BOOT_CODE: Readonly<Record<Exclude<BootDevice, 'network'>, number>> = { floppy: 1, disk: 2, cdrom: 3 };

/**
 * The one CPU v86 emulates reports CPUID "GenuineIntel" family 15 model 6 with FPU, TSC, CX8,
 * SEP, PGE, CMOV, MMX, FXSR, SSE, SSE2, POPCNT (no PAE). Only a Pentium III is close: same
 * i686 + MMX + SSE feature set, v86 merely adds SSE2/POPCNT. Anything older would let software
 * that needs a newer CPU pass where the real board fails, so those profiles are refused.
 */
const CPU_REFUSALS: Readonly<Record<string, string>> = {
  '486': 'v86 emulates one fixed i686-class CPU (CPUID, CMOV, MMX, SSE, SSE2); it cannot be a 486, so a 486-only failure would never show',
  pentium: 'v86 emulates one fixed i686-class CPU with CMOV, MMX and SSE; a P5 has none of them, so software that needs them would pass on v86 and fail on the real board',
  pentium2: 'v86 emulates one fixed CPU with SSE and SSE2; a Pentium II has no SSE, so SSE-dependent software would pass on v86 and fail on the real board',
  athlon: 'v86 reports an Intel CPU without 3DNow!; it cannot be an Athlon',
};
const ACCEPTED_CPUS: ReadonlySet<string> = new Set(['pentium3']);

export function v86Options(spec: Pick<MachineSpec, 'profile' | 'media' | 'restoreFrom'>, host: V86Host): V86OptionsJson {
  const { profile, media } = spec;
  checkProfile(profile);
  if (media.floppy && !profile.floppy) {
    throw new ConfigError(`profile ${profile.name} has no floppy drive but a floppy image was given`, { field: 'media.floppy' });
  }
  const kernelBoot = media.kernel !== undefined;
  if (!kernelBoot && (media.initrd !== undefined || media.append !== undefined)) {
    throw new ConfigError('initrd and append need a kernel', { field: 'media.kernel' });
  }
  const cmdline = [media.append, profile.kernelArgs].filter((part) => part).join(' ');
  return {
    wasm_path: host.wasmPath,
    memory_size: profile.memoryMiB * MiB,
    vga_memory_size: VGA_MEMORY_BYTES,
    bios: { url: host.biosPath },
    vga_bios: { url: host.vgaBiosPath },
    ...(media.cdrom ? { cdrom: cdImage(media.cdrom, host.imageSizes?.cdrom) } : {}),
    ...(media.floppy ? { fda: { url: media.floppy } } : {}),
    // Guest writes stay in v86's memory; for a writable disk the worker writes them back at stop.
    ...(media.disk ? { hda: lazyImage(media.disk, host.imageSizes?.disk) } : {}),
    ...(kernelBoot ? { bzimage: { url: media.kernel! } } : {}),
    ...(media.initrd ? { initrd: { url: media.initrd } } : {}),
    ...(kernelBoot ? { cmdline } : {}),
    ...(spec.restoreFrom ? { initial_state: { url: join(spec.restoreFrom, V86_STATE_FILE) } } : {}),
    boot_order: bootOrderCode(profile.bootOrder),
    acpi: profile.acpi,
    autostart: true,
    disable_jit: !host.jit,
    // No relay URL: the guest's packets go nowhere, the machine is air-gapped.
    net_device: { type: profile.nic === 'ne2k_pci' ? 'ne2k' : 'none' },
    disable_speaker: true,
    disable_keyboard: true,
    disable_mouse: true,
  };
}

/** Throws UnsupportedProfileError for the first field v86 cannot emulate faithfully. */
export function checkProfile(profile: Profile): void {
  const refuse = (field: string, reason: string): never => {
    throw new UnsupportedProfileError('v86', field, reason);
  };
  if (profile.machine !== 'pc') {
    refuse('machine', `v86 always emulates a PCI board (i440FX-like host bridge, PCI IDE and VGA); it has no ISA-only ${profile.machine}`);
  }
  if (!ACCEPTED_CPUS.has(profile.cpu)) {
    refuse('cpu', CPU_REFUSALS[profile.cpu] ?? `v86 emulates one fixed i686-class Intel CPU (closest QEMU model: pentium3); it cannot be a ${profile.cpu}`);
  }
  if (profile.memoryMiB > MAX_MEMORY_MIB) {
    refuse('memory', `v86 supports at most ${MAX_MEMORY_MIB} MiB: guest RAM, VRAM and its tables share one 32-bit wasm memory`);
  }
  if (profile.vga !== 'std') {
    refuse('vga', profile.vga.startsWith('isa')
      ? `v86's VGA is a PCI device; it has no ${profile.vga}`
      : `v86 has no ${profile.vga} adapter; its VGA is std-VGA with the Bochs VBE extension (QEMU's "std")`);
  }
  if (profile.diskBus !== 'ide') refuse('diskBus', 'v86 has only its PCI IDE controller (legacy ports), no ISA IDE card');
  if (profile.nic !== 'none' && profile.nic !== 'ne2k_pci') {
    refuse('nic', `v86 emulates a PCI NE2000 (ne2k_pci) or virtio-net, not ${profile.nic}`);
  }
  // v86 always has an SB16 (DSP at 0x220) and the PC speaker; a profile without sound still
  // gets them (a probing guest finds them). Refusing would exclude every profile, so only
  // devices v86 lacks are refused.
  for (const device of profile.sound) {
    if (device !== 'sb16' && device !== 'pcspk') {
      refuse('sound', `v86 has only its built-in SB16 and PC speaker, no ${device}`);
    }
  }
  if (profile.bootOrder.includes('network')) refuse('bootOrder', 'v86 has no network boot ROM');
  // Its PS/2 mouse and its VMware pointer always exist (like its SB16); `none` just leaves them idle.
  if (profile.pointer === 'usb-tablet') refuse('pointer', 'v86 has no USB controller; its pointers are the PS/2 mouse (ps2) and the VMware absolute pointer (vmmouse)');
}

function lazyImage(url: string, size: number | undefined): V86FileImage {
  return size === undefined ? { url } : { url, async: true, size };
}

/**
 * v86 serves an async image with one host file read per guest request, and a boot loader reading
 * a CD block by block waits on each: GRUB's rescue CD reached its menu ~1 s later (1.9–2.6 s
 * against 2.9–3.6 s). A CD this size is read whole at start instead; a larger one stays lazy, as
 * does every hard disk (a disk's writes go back from v86's block cache).
 */
export const WHOLE_CD_MAX_BYTES = 64 * MiB;

function cdImage(url: string, size: number | undefined): V86FileImage {
  return size !== undefined && size > WHOLE_CD_MAX_BYTES ? lazyImage(url, size) : { url };
}

/** `[cdrom, disk, floppy]` → 0x123. Devices left out are simply not tried. */
export function bootOrderCode(order: readonly BootDevice[]): number {
  return order.slice(0, 3).reduce((code, device, index) => {
    if (device === 'network') throw new UnsupportedProfileError('v86', 'bootOrder', 'v86 has no network boot ROM');
    return code | (BOOT_CODE[device] << (4 * index));
  }, 0);
}
