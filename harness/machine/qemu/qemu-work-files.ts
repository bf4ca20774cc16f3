/**
 * The files one QEMU machine keeps in its private workDir: the QMP socket, the serial FIFO
 * pair, the disk overlay and scratch files for screenshots and memory dumps. The folders are
 * created before QEMU starts and the FIFOs by QEMU's own exec (QemuProcess.start); all are
 * removed when it is gone (the caller removes workDir itself).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QemuPaths } from './qemu-command-line.js';

/** sun_path holds 108 bytes including the NUL: a longer socket path cannot be bound at all. */
const MAX_SOCKET_PATH = 107;

export interface QemuWorkFiles extends QemuPaths {
  readonly workDir: string;
  readonly serialIn: string;
  readonly serialOut: string;
  /** A short folder outside workDir holding the QMP socket, when workDir's path is too long for one. */
  readonly socketDir?: string;
  /** The unix socket a machine state is streamed through (qemu-migration.ts), beside the QMP socket. */
  readonly migrationSocket: string;
}

/** The sockets of one machine, kept together: in workDir, or all in a short folder when its path is too long. */
function socketsIn(dir: string): Pick<QemuWorkFiles, 'qmpSocket' | 'hmpSocket' | 'migrationSocket'> {
  return { qmpSocket: join(dir, 'qmp.sock'), hmpSocket: join(dir, 'hmp.sock'), migrationSocket: join(dir, 'migration.sock') };
}

/** The paths, without touching the disk: describe() can show them before start(). */
export function planWorkFiles(workDir: string, withOverlay: boolean): QemuWorkFiles {
  const serialFifoBase = join(workDir, 'serial0');
  return {
    workDir,
    ...socketsIn(workDir),
    serialFifoBase,
    serialIn: `${serialFifoBase}.in`,
    serialOut: `${serialFifoBase}.out`,
    ...(withOverlay ? { diskOverlay: join(workDir, 'disk-overlay.qcow2') } : {}),
    guestClockLog: join(workDir, 'guest-clock.log'),
  };
}

/** Creates workDir and, if workDir is deep, a short socket folder. Returns the final paths. */
export async function createWorkFiles(planned: QemuWorkFiles): Promise<QemuWorkFiles> {
  // Private: its sockets take commands (QMP can read guest memory) and its FIFOs are the guest's console.
  await mkdir(planned.workDir, { recursive: true, mode: 0o700 });
  if (Buffer.byteLength(planned.qmpSocket) <= MAX_SOCKET_PATH) return planned;
  const socketDir = await mkdtemp(join(tmpdir(), 'bg-qmp-'));
  return { ...planned, socketDir, ...socketsIn(socketDir) };
}

/** Removes what createWorkFiles made and whatever else this machine left (never the caller's inputs). */
export async function removeWorkFiles(files: QemuWorkFiles): Promise<void> {
  const paths = [files.serialIn, files.serialOut, files.qmpSocket, files.hmpSocket, files.migrationSocket, files.diskOverlay, files.guestClockLog, files.socketDir];
  await Promise.all(paths.map((p) => (p ? rm(p, { force: true, recursive: true }).catch(() => undefined) : undefined)));
}

let scratchCounter = 0;

/** A fresh file name in workDir for one screenshot or memory dump. */
export function scratchFile(files: QemuWorkFiles, stem: string, ext: string): string {
  return join(files.workDir, `${stem}-${process.pid}-${++scratchCounter}.${ext}`);
}
