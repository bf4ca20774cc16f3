/**
 * A throwaway qcow2 overlay over the input disk: the guest writes into the overlay, the
 * input image (its read-only backing file) never changes. The overlay names the image's format
 * (checked by inspect-disk-image.ts), so QEMU never probes the image to guess it.
 */
import { execa } from 'execa';
import { copyFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { InfraError } from '../../errors.js';
import { requireExecutable } from './find-executable.js';
import type { DiskFormat } from './inspect-disk-image.js';

/** The qemu-img invocation that creates `overlay` over `image` (absolute path, explicit format: no probing). */
export function overlayCommand(qemuImg: string, image: string, format: DiskFormat, overlay: string): string[] {
  const backing = isAbsolute(image) ? image : resolve(image);
  return [qemuImg, 'create', '-q', '-f', 'qcow2', '-F', format, '-b', backing, overlay];
}

/**
 * A saved overlay (what the guest wrote, over `image`) as this machine's overlay. Its backing path
 * is rewritten to `image` (an unsafe rebase only edits the header), so a state still loads when the
 * same image (same sha256, checked by the caller) now lives elsewhere.
 */
export async function restoreDiskOverlay(saved: string, image: string, format: DiskFormat, overlay: string): Promise<void> {
  const qemuImg = requireExecutable('qemu-img', 'apt-get install qemu-utils');
  await copyFile(saved, overlay);
  try {
    await execa(qemuImg, ['rebase', '-q', '-u', '-f', 'qcow2', '-F', format, '-b', isAbsolute(image) ? image : resolve(image), overlay], { stdin: 'ignore' });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new InfraError(`qemu-img could not point the saved overlay at ${image}: ${stderr || (e as Error).message}`, { cause: e });
  }
}

/** Creates `overlay` backed by `image`; returns the command it ran (for describe()). */
export async function createDiskOverlay(image: string, format: DiskFormat, overlay: string): Promise<string[]> {
  const qemuImg = requireExecutable('qemu-img', 'apt-get install qemu-utils');
  const [file, ...args] = overlayCommand(qemuImg, image, format, overlay);
  try {
    await execa(file!, args, { stdin: 'ignore' });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new InfraError(`qemu-img could not create an overlay over ${image}: ${stderr || (e as Error).message}`, { cause: e });
  }
  return ['qemu-img', ...args];
}
