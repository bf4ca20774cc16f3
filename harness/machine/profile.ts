/**
 * A machine profile: the emulated PC, described once, independent of the emulator.
 * Each backend maps it onto its own options or refuses the fields it cannot express.
 */
export type BootDevice = 'cdrom' | 'disk' | 'floppy' | 'network';

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
  /** Extra kernel parameters an OS needs on this board (e.g. `noapic` on isapc). Appended to `kernel` boots only. */
  readonly kernelArgs?: string;
}
