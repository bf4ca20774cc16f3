import { describe, expect, it } from 'vitest';
import { ConfigError, UnsupportedProfileError } from '../../harness/errors.js';
import type { Profile } from '../../harness/machine/profile.js';
import { bootOrderCode, v86Options, type V86Host } from '../../harness/machine/v86/v86-options.js';
import { loadAllProfiles } from '../../harness/vm-config/load-profile.js';

const host: V86Host = { wasmPath: '/v86/v86.wasm', biosPath: '/bios.bin', vgaBiosPath: '/vga.bin', jit: true };
const profiles = new Map(loadAllProfiles().map((p) => [p.name, p]));
const p3 = profiles.get('p3-i440fx')!;

function refusal(profile: Profile): UnsupportedProfileError {
  try {
    v86Options({ profile, media: { cdrom: '/x.iso' } }, host);
  } catch (error) {
    if (error instanceof UnsupportedProfileError) return error;
    throw error;
  }
  throw new Error(`profile ${profile.name} was accepted`);
}

describe('v86Options', () => {
  it('maps the Pentium III profile and a CD onto v86 options', () => {
    const options = v86Options({ profile: p3, media: { cdrom: '/cd.iso' } }, { ...host, imageSizes: { cdrom: 5_081_088 } });
    expect(options).toEqual({
      wasm_path: '/v86/v86.wasm',
      memory_size: 128 * 1024 * 1024,
      vga_memory_size: 8 * 1024 * 1024,
      bios: { url: '/bios.bin' },
      vga_bios: { url: '/vga.bin' },
      cdrom: { url: '/cd.iso' },
      boot_order: 0x123,
      acpi: true,
      autostart: true,
      disable_jit: false,
      net_device: { type: 'none' },
      disable_speaker: true,
      disable_keyboard: true,
      disable_mouse: true,
    });
    expect(JSON.parse(JSON.stringify(options))).toEqual(options);
    // A CD up to 64 MiB is read whole (v86 waits on every async read); a larger one stays lazy.
    const big = v86Options({ profile: p3, media: { cdrom: '/dvd.iso' } }, { ...host, imageSizes: { cdrom: 700 * 1024 * 1024 } });
    expect(big.cdrom).toEqual({ url: '/dvd.iso', async: true, size: 700 * 1024 * 1024 });
  });

  it('boots a kernel with initrd and appends the profile kernel arguments', () => {
    const profile = { ...p3, kernelArgs: 'noapic' };
    const options = v86Options({ profile, media: { kernel: '/k', initrd: '/i', append: 'console=ttyS0' } }, { ...host, jit: false });
    expect(options.bzimage).toEqual({ url: '/k' });
    expect(options.initrd).toEqual({ url: '/i' });
    expect(options.cmdline).toBe('console=ttyS0 noapic');
    expect(options.disable_jit).toBe(true);
  });

  it('reads floppies whole (v86 insists) and disks lazily, writable or not', () => {
    expect(v86Options({ profile: p3, media: { floppy: '/f.img' } }, host).fda).toEqual({ url: '/f.img' });
    const sizes = { ...host, imageSizes: { disk: 1 << 30 } };
    expect(v86Options({ profile: p3, media: { disk: '/d.img' } }, sizes).hda).toEqual({ url: '/d.img', async: true, size: 1 << 30 });
    expect(v86Options({ profile: p3, media: { disk: '/d.img', diskWritable: true } }, sizes).hda).toEqual({ url: '/d.img', async: true, size: 1 << 30 });
  });

  it('gives v86 an NE2000 only when the profile has one, never a relay', () => {
    const options = v86Options({ profile: { ...p3, nic: 'ne2k_pci' }, media: {} }, host);
    expect(options.net_device).toEqual({ type: 'ne2k' });
  });

  it('refuses each bundled profile it cannot emulate, naming field and reason', () => {
    expect(refusal(profiles.get('486-isa')!)).toMatchObject({ backend: 'v86', field: 'machine' });
    expect(refusal(profiles.get('p5-i440fx')!)).toMatchObject({ field: 'cpu', reason: expect.stringMatching(/CMOV/) });
    expect(refusal(profiles.get('p2-i440fx')!)).toMatchObject({ field: 'cpu', reason: expect.stringMatching(/no SSE/) });
    expect(refusal(profiles.get('486-isa')!).message).toMatch(/^not supported by v86 \(machine: .*ISA-only isapc\)$/);
  });

  it('refuses hardware v86 lacks', () => {
    expect(refusal({ ...p3, cpu: 'athlon' }).field).toBe('cpu');
    expect(refusal({ ...p3, cpu: 'n270' }).reason).toMatch(/cannot be a n270/);
    expect(refusal({ ...p3, vga: 'cirrus' })).toMatchObject({ field: 'vga', reason: expect.stringMatching(/no cirrus/) });
    expect(refusal({ ...p3, vga: 'isa-vga' }).reason).toMatch(/PCI device/);
    expect(refusal({ ...p3, diskBus: 'isa-ide' }).field).toBe('diskBus');
    expect(refusal({ ...p3, nic: 'rtl8139' }).field).toBe('nic');
    expect(refusal({ ...p3, sound: ['gus'] }).field).toBe('sound');
    expect(refusal({ ...p3, memoryMiB: 4096 }).field).toBe('memory');
    expect(refusal({ ...p3, bootOrder: ['network', 'cdrom'] }).field).toBe('bootOrder');
    expect(refusal({ ...p3, pointer: 'usb-tablet' })).toMatchObject({ field: 'pointer', reason: expect.stringMatching(/no USB controller/) });
  });

  it('accepts the pointers v86 always has, and none', () => {
    for (const pointer of ['ps2', 'vmmouse', 'none'] as const) expect(() => v86Options({ profile: { ...p3, pointer }, media: {} }, host)).not.toThrow();
  });

  it('accepts the sound devices v86 always has', () => {
    expect(() => v86Options({ profile: { ...p3, sound: ['sb16', 'pcspk'] }, media: {} }, host)).not.toThrow();
  });

  it('rejects a floppy image on a profile without a floppy drive as a config error', () => {
    expect(() => v86Options({ profile: { ...p3, floppy: false }, media: { floppy: '/f.img' } }, host)).toThrow(ConfigError);
  });

  it('encodes boot orders as SeaBIOS CMOS nibbles, first device lowest', () => {
    expect(bootOrderCode(['cdrom', 'disk', 'floppy'])).toBe(0x123);
    expect(bootOrderCode(['floppy', 'cdrom', 'disk'])).toBe(0x231);
    expect(bootOrderCode(['disk'])).toBe(0x2);
  });
});
