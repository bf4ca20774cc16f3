/** What is put into the machine. Paths are absolute; the machine never writes to them. */
export interface Media {
  readonly cdrom?: string;
  readonly floppy?: string;
  /** A hard disk image. Attached through a throwaway overlay unless `diskWritable` (a fresh per-job disk). */
  readonly disk?: string;
  readonly diskWritable?: boolean;
  /** Direct kernel boot (QEMU `-kernel`; v86 `bzimage`), with optional initrd and command line. */
  readonly kernel?: string;
  readonly initrd?: string;
  readonly append?: string;
}
