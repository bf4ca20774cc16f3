/**
 * A machine profile: the emulated PC, described once, independent of the emulator.
 * Each backend maps it onto its own options or refuses the fields it cannot express.
 */
export type BootDevice = 'cdrom' | 'disk' | 'floppy' | 'network';

/**
 * The pointing device bootgate drives. `ps2`: the PS/2 mouse on the board's keyboard controller
 * (relative motion); `usb-tablet`: an absolute USB tablet on the PIIX3's UHCI controller (pc
 * only); `vmmouse`: the VMware-backdoor absolute pointer, used only by guests with a vmmouse
 * driver; `none`: pointer steps are refused (the board's PS/2 port still exists, as on a real PC).
 */
export const POINTER_DEVICES = ['ps2', 'usb-tablet', 'vmmouse', 'none'] as const;
export type PointerDevice = (typeof POINTER_DEVICES)[number];

export interface Profile {
  readonly name: string;
  readonly description: string;
  /** Chipset family: `pc` is i440FX/PIIX3 with PCI, `isapc` an ISA-only board. */
  readonly machine: 'pc' | 'isapc';
  /** QEMU CPU model name (486, pentium, pentium2, pentium3, athlon, n270, ...). */
  readonly cpu: string;
  readonly memoryMiB: number;
  readonly vga: 'std' | 'cirrus' | 'isa-vga' | 'isa-cirrus';
  readonly diskBus: 'ide' | 'isa-ide';
  readonly floppy: boolean;
  readonly nic: 'none' | 'ne2k_isa' | 'ne2k_pci' | 'rtl8139' | 'pcnet';
  readonly sound: readonly ('sb16' | 'adlib' | 'gus' | 'pcspk')[];
  readonly acpi: boolean;
  readonly bootOrder: readonly BootDevice[];
  readonly pointer: PointerDevice;
  /** Extra kernel parameters an OS needs on this board (e.g. `noapic` on isapc). Appended to `kernel` boots only. */
  readonly kernelArgs?: string;
}
