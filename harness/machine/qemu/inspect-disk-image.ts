/**
 * What a disk image is, decided before QEMU opens it. An image is untrusted: a qcow2 names
 * other files in its own header (a backing file, an external data file), and QEMU follows them,
 * so a crafted one would hand the guest any host file as its disk. A disk is therefore raw unless
 * it is declared or recognised as qcow2, and a qcow2 is read by `qemu-img info` (explicit format,
 * JSON out, under CPU-time and address-space limits, as QEMU's own security notes advise for
 * untrusted images) and refused when it names any file, unless its owner allowed a backing chain
 * that stays inside a folder of theirs.
 */
import { execa } from 'execa';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { InfraError, oneLine, UnsafeImageError } from '../../errors.js';
import { findExecutable, requireExecutable } from './find-executable.js';

export type DiskFormat = 'raw' | 'qcow2';
export const DISK_FORMATS: readonly DiskFormat[] = ['raw', 'qcow2'];

export interface DiskImageRules {
  /** What the scenario says the image is; without it, qcow2 if the file starts like one, else raw. */
  readonly format?: DiskFormat | undefined;
  /** A folder the backing chain may use files from (real paths, symlinks resolved); without it, no backing file at all. */
  readonly backingWithin?: string | undefined;
}

/** qemu-img on a crafted header must not spin or balloon: what QEMU's notes suggest (--as=1G --cpu=2), and a wall-clock bound. */
const INFO_LIMITS = { addressSpaceBytes: 1 << 30, cpuSeconds: 2, wallMs: 20_000 } as const;
/** A chain longer than this is not something a person made on purpose. */
const MAX_CHAIN = 8;
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);
const QEMU_IMG_HINT = 'apt-get install qemu-utils';

/** qcow2 files start with "QFI\xfb"; anything else is raw to bootgate, as it is to the guest. */
export async function sniffDiskFormat(image: string): Promise<DiskFormat> {
  const handle = await open(image, 'r');
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    return magic.equals(QCOW2_MAGIC) ? 'qcow2' : 'raw';
  } finally {
    await handle.close();
  }
}

/**
 * The format to attach `image` as, after checking it names no file it may not: throws an
 * UnsafeImageError naming the image and the reference.
 */
export async function checkDiskImage(image: string, rules: DiskImageRules = {}): Promise<DiskFormat> {
  const sniffed = await sniffDiskFormat(image);
  const format = rules.format ?? sniffed;
  if (format === 'qcow2' && sniffed !== 'qcow2') throw refuse(image, 'is declared qcow2 but does not start like one');
  // Declared raw, a qcow2 is only bytes to the guest: QEMU reads nothing in it.
  if (format === 'raw') return format;
  const root = rules.backingWithin ? await realpath(rules.backingWithin) : undefined;
  let file = image;
  for (let level = 0; ; level++) {
    const info = await qemuImgInfo(file, 'qcow2');
    const data = info['format-specific']?.data?.['data-file'];
    if (data) throw refuse(image, `names an external data file, ${data}${file === image ? '' : ` (through ${file})`}`);
    const backing = info['full-backing-filename'] ?? info['backing-filename'];
    if (!backing) return format;
    const through = file === image ? '' : ` (through ${file})`;
    if (!root) throw refuse(image, `names a backing file, ${backing}${through}; allow one inside the scenario's folder with allowBackingFile: true`);
    if (!isAbsolute(backing)) throw refuse(image, `names a backing file QEMU would not read as a plain file, ${backing}${through}`);
    const backingFormat = info['backing-filename-format'];
    // Without a format QEMU would probe the backing file: exactly what is never done with an untrusted one.
    if (backingFormat !== 'raw' && backingFormat !== 'qcow2') throw refuse(image, `names a backing file, ${backing}${through}, ${backingFormat ? `of format ${backingFormat}, not raw or qcow2` : 'without its format'}`);
    const real = await realpath(backing).catch(() => undefined);
    if (!real) throw refuse(image, `names a backing file that does not exist, ${backing}${through}`);
    if (!inside(root, real)) throw refuse(image, `names a backing file outside ${root}, ${backing}${through}`);
    if (level + 1 >= MAX_CHAIN) throw refuse(image, `has a backing chain longer than ${MAX_CHAIN} files`);
    if (backingFormat === 'raw') return format;
    if ((await sniffDiskFormat(real)) !== 'qcow2') throw refuse(image, `names ${backing} as a qcow2 backing file, and it is not one${through}`);
    file = real;
  }
}

interface ImageInfo {
  readonly 'backing-filename'?: string;
  readonly 'full-backing-filename'?: string;
  readonly 'backing-filename-format'?: string;
  readonly 'format-specific'?: { readonly data?: { readonly 'data-file'?: string } };
}

/** `qemu-img info` read as `format`, never probed, never following the backing chain, under INFO_LIMITS. */
async function qemuImgInfo(image: string, format: DiskFormat): Promise<ImageInfo> {
  const qemuImg = requireExecutable('qemu-img', QEMU_IMG_HINT);
  const prlimit = findExecutable('prlimit');
  const info = [qemuImg, 'info', '-f', format, '--output=json', '--', image];
  const [file, ...args] = prlimit ? [prlimit, `--as=${INFO_LIMITS.addressSpaceBytes}`, `--cpu=${INFO_LIMITS.cpuSeconds}`, '--', ...info] : info;
  const result = await execa(file!, args, { stdin: 'ignore', reject: false, timeout: INFO_LIMITS.wallMs, maxBuffer: 1 << 20 });
  if (result.exitCode !== 0) {
    const why = oneLine(String(result.stderr ?? ''), 300) || (result.timedOut ? `no answer within ${INFO_LIMITS.wallMs / 1000} s` : result.signal ? `killed by ${result.signal} (over its CPU or memory limit)` : `exit ${result.exitCode}`);
    // qemu-img answers for any qcow2 it can parse; one it cannot is a broken or hostile input, not a host fault.
    if (result.exitCode === undefined && !result.signal) throw new InfraError(`cannot run qemu-img on ${image}: ${why}`);
    throw refuse(image, `is not a ${format} image qemu-img can read (${why})`);
  }
  try {
    return JSON.parse(String(result.stdout)) as ImageInfo;
  } catch {
    throw new InfraError(`qemu-img info on ${image} printed no JSON`);
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

function refuse(image: string, why: string): UnsafeImageError {
  return new UnsafeImageError(image, why);
}
