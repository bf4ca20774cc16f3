/**
 * The files one QEMU machine keeps in its private workDir: the QMP socket, the serial FIFO
 * pair, the disk overlay and scratch files for screenshots and memory dumps. The folders are
 * created before QEMU starts and the FIFOs by QEMU's own exec (QemuProcess.start); all are
 * removed when it is gone (the caller removes workDir itself).
 *
 * A QEMU that drops root (qemu-user.ts) opens its sockets, FIFOs, images and overlay as root
 * while it starts, then chroots into its jail: a folder of its own beside the sockets, the only
 * place it can still reach. What it writes later (screendumps, memory dumps, a migration socket)
 * lies there, and has two names: the host's, which bootgate reads, and QEMU's, inside the jail.
 */
import { closeSync, constants, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from '../../errors.js';
import type { QemuPaths } from './qemu-command-line.js';
import type { QemuUser } from './qemu-user.js';

/** sun_path holds 108 bytes including the NUL: a longer socket path cannot be bound at all. */
const MAX_SOCKET_PATH = 107;
/** More than any screendump (2048×1536 as PPM is 9 MiB): a jailed QEMU cannot make bootgate read more. */
const MAX_SCRATCH_BYTES = 64 << 20;

/** A file QEMU writes and bootgate reads: `host` is bootgate's path, `qemu` the one QEMU is given (inside its jail, if any). */
export interface ScratchFile {
  readonly host: string;
  readonly qemu: string;
}

export interface QemuWorkFiles extends QemuPaths {
  readonly workDir: string;
  readonly serialIn: string;
  readonly serialOut: string;
  /** A short folder outside workDir holding the QMP socket, when workDir's path is too long for one. */
  readonly socketDir?: string;
  /** The folder a QEMU that dropped root is chrooted into, owned by its user; absent when QEMU runs as bootgate's user. */
  readonly jailDir?: string;
  /** The unix socket a machine state is streamed through (qemu-migration.ts), beside the QMP socket or in the jail. */
  readonly migrationSocket: ScratchFile;
}

/** The sockets of one machine, kept together: in workDir, or all in a short folder when its path is too long. */
function socketsIn(dir: string, jailed: boolean): Pick<QemuWorkFiles, 'qmpSocket' | 'hmpSocket' | 'migrationSocket' | 'jailDir'> {
  const jailDir = join(dir, 'jail');
  return {
    qmpSocket: join(dir, 'qmp.sock'),
    hmpSocket: join(dir, 'hmp.sock'),
    ...(jailed ? { jailDir, migrationSocket: { host: join(jailDir, 'migration.sock'), qemu: '/migration.sock' } } : { migrationSocket: scratchAt(join(dir, 'migration.sock')) }),
  };
}

/** The paths, without touching the disk: describe() can show them before start(). */
export function planWorkFiles(workDir: string, withOverlay: boolean, jailed = false): QemuWorkFiles {
  const serialFifoBase = join(workDir, 'serial0');
  return {
    workDir,
    ...socketsIn(workDir, jailed),
    serialFifoBase,
    serialIn: `${serialFifoBase}.in`,
    serialOut: `${serialFifoBase}.out`,
    ...(withOverlay ? { diskOverlay: join(workDir, 'disk-overlay.qcow2') } : {}),
    guestClockLog: join(workDir, 'guest-clock.log'),
  };
}

/** Creates workDir, a short socket folder if workDir is deep, and the jail owned by `user`. Returns the final paths. */
export async function createWorkFiles(planned: QemuWorkFiles, user?: QemuUser): Promise<QemuWorkFiles> {
  // Private: its sockets take commands (QMP can read guest memory) and its FIFOs are the guest's console.
  await mkdir(planned.workDir, { recursive: true, mode: 0o700 });
  let files = planned;
  if (Buffer.byteLength(planned.qmpSocket) > MAX_SOCKET_PATH) {
    const socketDir = await mkdtemp(join(tmpdir(), 'bg-qmp-'));
    files = { ...planned, socketDir, ...socketsIn(socketDir, !!planned.jailDir) };
  }
  if (files.jailDir && user) {
    await mkdir(files.jailDir, { mode: 0o700 });
    await chown(files.jailDir, user.uid, user.gid);
  }
  return files;
}

/** Removes what createWorkFiles made and whatever else this machine left (never the caller's inputs). */
export async function removeWorkFiles(files: QemuWorkFiles): Promise<void> {
  const paths = [files.serialIn, files.serialOut, files.qmpSocket, files.hmpSocket, files.migrationSocket.host, files.diskOverlay, files.guestClockLog, files.jailDir, files.socketDir];
  await Promise.all(paths.map((p) => (p ? rm(p, { force: true, recursive: true }).catch(() => undefined) : undefined)));
}

let scratchCounter = 0;

/** A fresh file name for one screenshot or memory dump: in the jail when there is one, else in workDir. */
export function scratchFile(files: QemuWorkFiles, stem: string, ext: string): ScratchFile {
  const name = `${stem}-${process.pid}-${++scratchCounter}.${ext}`;
  return files.jailDir ? { host: join(files.jailDir, name), qemu: `/${name}` } : scratchAt(join(files.workDir, name));
}

/** A scratch file both sides know by one path (no jail). */
export function scratchAt(path: string): ScratchFile {
  return { host: path, qemu: path };
}

/** The same file with a suffix on both names. */
export function scratchWithSuffix(file: ScratchFile, suffix: string): ScratchFile {
  return { host: file.host + suffix, qemu: file.qemu + suffix };
}

/**
 * Removes a scratch file if it is there. unlink, not rm (rm looks at the path with lstat first),
 * and synchronous like readScratch.
 */
export function removeScratch(file: ScratchFile): void {
  try {
    unlinkSync(file.host);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * What QEMU wrote to `file`. The jail is its user's to change: a symlink there (to a host file
 * only root may read), a FIFO (that would never end) or a huge file must not become bootgate's read.
 * Synchronous: a local file QEMU has just written, read at every screenshot and text peek, tens of
 * times a second; through fs/promises (a FileHandle, four trips to the thread pool) a 32 KB peek
 * took ~0.45 ms of CPU, read at once ~0.1 ms. Read into `into` (its start is returned) when the
 * file fits.
 */
export function readScratch(file: ScratchFile, into?: Buffer): Buffer {
  const fd = openSync(file.host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_SCRATCH_BYTES) throw new InfraError(`qemu left ${file.host} as ${st.isFile() ? `${st.size} bytes` : 'something other than a file'}, not a screen or memory dump`);
    const bytes = into && into.length >= st.size ? into : Buffer.allocUnsafe(st.size);
    let got = 0;
    for (let n = -1; got < st.size && n !== 0; got += n) n = readSync(fd, bytes, got, st.size - got, got);
    return bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
