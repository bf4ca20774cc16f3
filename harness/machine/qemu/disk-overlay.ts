/**
 * A throwaway qcow2 overlay over the input disk: the guest writes into the overlay, the
 * input image (its read-only backing file) never changes.
 */
import { execa } from 'execa';
import { copyFile, open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { InfraError } from '../../errors.js';
import { requireExecutable } from './find-executable.js';

export type DiskFormat = 'raw' | 'qcow2';

/** qcow2 files start with "QFI\xfb"; anything else is attached as raw, as QEMU would probe it. */
export async function detectDiskFormat(image: string): Promise<DiskFormat> {
  const handle = await open(image, 'r');
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    return magic.equals(Buffer.from([0x51, 0x46, 0x49, 0xfb])) ? 'qcow2' : 'raw';
  } finally {
    await handle.close();
  }
}

/** The qemu-img invocation that creates `overlay` over `image` (absolute path, explicit format: no probing). */
export function overlayCommand(qemuImg: string, image: string, format: DiskFormat | undefined, overlay: string): string[] {
  const backing = isAbsolute(image) ? image : resolve(image);
  return [qemuImg, 'create', '-q', '-f', 'qcow2', ...(format ? ['-F', format] : []), '-b', backing, overlay];
}

/**
 * A saved overlay (what the guest wrote, over `image`) as this machine's overlay. Its backing path
 * is rewritten to `image` (an unsafe rebase only edits the header), so a state still loads when the
 * same image (same sha256, checked by the caller) now lives elsewhere.
 */
export async function restoreDiskOverlay(saved: string, image: string, overlay: string): Promise<void> {
  const qemuImg = requireExecutable('qemu-img', 'apt-get install qemu-utils');
  await copyFile(saved, overlay);
  const format = await detectDiskFormat(image);
  try {
    await execa(qemuImg, ['rebase', '-q', '-u', '-f', 'qcow2', ...(format ? ['-F', format] : []), '-b', isAbsolute(image) ? image : resolve(image), overlay], { stdin: 'ignore' });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new InfraError(`qemu-img could not point the saved overlay at ${image}: ${stderr || (e as Error).message}`, { cause: e });
  }
}

/** Creates `overlay` backed by `image`; returns the command it ran (for describe()). */
export async function createDiskOverlay(image: string, overlay: string): Promise<string[]> {
  const qemuImg = requireExecutable('qemu-img', 'apt-get install qemu-utils');
  const format = await detectDiskFormat(image);
  const [file, ...args] = overlayCommand(qemuImg, image, format, overlay);
  try {
    await execa(file!, args, { stdin: 'ignore' });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new InfraError(`qemu-img could not create an overlay over ${image}: ${stderr || (e as Error).message}`, { cause: e });
  }
  return ['qemu-img', ...args];
}
