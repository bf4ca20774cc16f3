/**
 * v86 reads a bzImage through 16- and 32-bit views of one ArrayBuffer, which throw a RangeError
 * unless its length is a multiple of 4: iPXE's ipxe.lkrn (306,521 bytes) crashed the emulator.
 * Such a kernel is handed over in memory, zero-padded (bytes past the file's end are never part
 * of the kernel a boot loader reads); the file itself is only read.
 */
import { readFileSync, statSync } from 'node:fs';
import type { V86OptionsJson } from './v86-options.js';

const KERNEL_ALIGN = 4;

/** The options, with the kernel as a padded buffer where its file's size would crash v86. */
export function withLoadableKernel<T extends V86OptionsJson>(options: T): T | (Omit<T, 'bzimage'> & { bzimage: { buffer: ArrayBuffer } }) {
  const kernel = options.bzimage;
  if (!kernel || statSync(kernel.url).size % KERNEL_ALIGN === 0) return options;
  return { ...options, bzimage: { buffer: paddedFile(kernel.url, KERNEL_ALIGN) } };
}

/** The whole file in a buffer whose length is rounded up to `align`, the rest zeros. */
export function paddedFile(path: string, align: number): ArrayBuffer {
  const bytes = readFileSync(path);
  const padded = new Uint8Array(Math.ceil(bytes.length / align) * align);
  padded.set(bytes);
  return padded.buffer;
}
