import { describe, expect, it } from 'vitest';
import { kernelVideoMode } from '../../harness/machine/v86/v86-kernel-image.js';

describe('kernelVideoMode: vga= as a boot loader reads it', () => {
  it('reads decimal, hex and octal numbers and the named modes', () => {
    expect(kernelVideoMode('vga=788')).toBe(0x314);
    expect(kernelVideoMode('quiet vga=0x314 splash')).toBe(0x314);
    expect(kernelVideoMode('vga=01424')).toBe(0x314);
    expect(kernelVideoMode('vga=normal')).toBe(0xffff);
    expect(kernelVideoMode('vga=ext')).toBe(0xfffe);
  });

  it('takes the last vga=, as the kernel does', () => {
    expect(kernelVideoMode('vga=normal vga=791')).toBe(791);
  });

  it('leaves the loader alone without vga=, and never asks (nobody would answer)', () => {
    expect(kernelVideoMode('console=ttyS0 novga=1 xvga=788')).toBeUndefined();
    expect(kernelVideoMode('vga=ask')).toBe(0xffff);
    expect(kernelVideoMode('vga=banana')).toBe(0xffff);
    expect(kernelVideoMode('vga=99999')).toBe(0xffff);
  });
});
