/**
 * Which emulator build a backend runs, as one line ("QEMU emulator version 7.2.22 (Debian …)",
 * "v86 0.5.462"): saved states and snapshots record it, because neither emulator loads another
 * version's state (v86: "Version mismatch"; QEMU: section errors mid-load).
 */
import { execa } from 'execa';
import { PromiseMemo } from '../util/promise-memo.js';
import type { BackendName } from './machine.js';
import { requireExecutable } from './qemu/find-executable.js';
import { QEMU_BINARY, QEMU_INSTALL_HINT } from './qemu/qemu-command-line.js';
import { v86Version } from './v86/v86-host.js';

const versions = new PromiseMemo<string>();

export function emulatorVersion(backend: BackendName): Promise<string> {
  return versions.get(backend, () => (backend === 'qemu' ? qemuVersion() : Promise.resolve(v86Version())));
}

async function qemuVersion(): Promise<string> {
  const binary = requireExecutable(QEMU_BINARY, QEMU_INSTALL_HINT);
  const { stdout } = await execa(binary, ['--version'], { stdin: 'ignore', timeout: 10_000 });
  return stdout.split('\n')[0]!.trim();
}
