/**
 * Writes a cpio archive in the kernel's "newc" format from a list of entries. Used for the
 * initramfs entries a build without privileges cannot create as files, such as /dev/console
 * (mknod needs root): the kernel unpacks concatenated archives one after the other.
 * Format: Documentation/driver-api/early-userspace/buffer-format.rst.
 */
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFREG = 0o100000;

export interface NewcEntry {
  readonly name: string;
  /** File type bits and permissions, e.g. S_IFCHR | 0o600. */
  readonly mode: number;
  readonly rdevMajor?: number;
  readonly rdevMinor?: number;
  readonly data?: Uint8Array;
  /** Seconds since the epoch; fixed by default so archives are reproducible. */
  readonly mtime?: number;
}

export function newcArchive(entries: readonly NewcEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) parts.push(entry(e, ino++));
  parts.push(entry({ name: 'TRAILER!!!', mode: 0 }, 0));
  return Buffer.concat(parts);
}

function entry(e: NewcEntry, ino: number): Buffer {
  const data = e.data ?? new Uint8Array(0);
  const name = Buffer.from(e.name + '\0', 'utf8');
  const fields = [ino, e.mode, 0, 0, e.name === 'TRAILER!!!' ? 1 : isDir(e.mode) ? 2 : 1, e.mtime ?? 0, data.length, 0, 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, name.length, 0];
  const header = Buffer.from('070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join(''), 'ascii');
  return Buffer.concat([header, name, pad(header.length + name.length), Buffer.from(data), pad(data.length)]);
}

const isDir = (mode: number) => (mode & 0o170000) === S_IFDIR;
const pad = (len: number) => Buffer.alloc((4 - (len % 4)) % 4);
