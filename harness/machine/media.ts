/** What is put into the machine. Paths are absolute; the machine never writes to them. */
export interface Media {
  readonly cdrom?: string;
  readonly floppy?: string;
  /** A hard disk image. Attached through a throwaway overlay unless `diskWritable` (a fresh per-job disk). */
  readonly disk?: string;
  readonly diskWritable?: boolean;
  /**
   * What the disk is (raw or qcow2), as the scenario says; without it, qcow2 if the file starts
   * like one, else raw. Either way a qcow2 naming any other file is refused (inspect-disk-image.ts).
   */
  readonly diskFormat?: 'raw' | 'qcow2';
  /** A folder the disk's backing chain may use files from; without it, a disk with a backing file is refused. */
  readonly diskBackingWithin?: string;
  /** Direct kernel boot (QEMU `-kernel`; v86 `bzimage`), with optional initrd and command line. */
  readonly kernel?: string;
  readonly initrd?: string;
  readonly append?: string;
}
