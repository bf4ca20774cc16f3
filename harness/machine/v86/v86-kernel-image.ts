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

/**
 * v86 loads a bzImage itself and writes vid_mode = 0xFFFF ("normal") into the setup header it
 * copies to 0x80000, ignoring `vga=`: no framebuffer for a kernel that asks for one. The
 * real-mode setup does run (under SeaBIOS, with v86's Bochs VBE), so writing the mode the command
 * line asks for into that copy before the first instruction is what a boot loader would have done.
 */
export const SETUP_VID_MODE_ADDRESS = 0x80000 + 0x1fa;

/**
 * The video mode `vga=` asks for, as boot loaders read it: the last `vga=` wins; `normal` 0xFFFF,
 * `ext` 0xFFFE, else a number in decimal, hex (0x…) or octal (0…). `ask` would stop the boot at a
 * prompt nobody answers, so it is left at normal, as is anything unreadable.
 */
export function kernelVideoMode(cmdline: string): number | undefined {
  const value = [...cmdline.matchAll(/(?:^|\s)vga=(\S+)/g)].at(-1)?.[1];
  if (value === undefined) return undefined;
  if (value === 'normal' || value === 'ask') return 0xffff;
  if (value === 'ext') return 0xfffe;
  const number = /^0x[0-9a-f]+$/i.test(value) ? parseInt(value.slice(2), 16) : /^0[0-7]*$/.test(value) ? parseInt(value, 8) : /^[1-9]\d*$/.test(value) ? parseInt(value, 10) : NaN;
  return Number.isInteger(number) && number <= 0xffff ? number : 0xffff;
}
