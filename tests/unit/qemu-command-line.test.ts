import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UnsupportedProfileError } from '../../harness/errors.js';
import type { MachineSpec } from '../../harness/machine/machine.js';
import type { Media } from '../../harness/machine/media.js';
import type { Profile } from '../../harness/machine/profile.js';
import { qemuCommandLine, shellQuote, type QemuPaths } from '../../harness/machine/qemu/qemu-command-line.js';
import { loadProfileFile, PROJECT_VM_CONFIGS } from '../../harness/vm-config/load-profile.js';

const profile = (name: string): Profile => loadProfileFile(join(PROJECT_VM_CONFIGS, `${name}.yaml`));
const paths: QemuPaths = { qmpSocket: '/w/qmp.sock', hmpSocket: '/w/hmp.sock', serialFifoBase: '/w/serial0' };
const spec = (p: Profile, media: Media = { cdrom: '/img/cd.iso' }): MachineSpec => ({ profile: p, media, workDir: '/w' });

/** The value following the n-th occurrence of `flag`. */
function valuesOf(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));
}

describe('qemuCommandLine', () => {
  it('puts a guest-clock machine on icount with a fixed virtual RTC, the plugin and exactly the trace events its log is read with', () => {
    const argv = qemuCommandLine({ ...spec(profile('p3-i440fx')), guestClock: true }, { ...paths, guestClockLog: '/w/guest-clock.log' }, { guestClockPlugin: '/c/guest,clock.so' });
    expect(valuesOf(argv, '-icount')).toEqual(['shift=2,sleep=off']);
    expect(valuesOf(argv, '-rtc')).toEqual(['base=2020-01-01T00:00:00,clock=vm']);
    expect(valuesOf(argv, '-plugin')).toEqual(['/c/guest,,clock.so']);
    expect(valuesOf(argv, '-d')).toEqual([
      'plugin,trace:serial_write,trace:serial_read,trace:pckbd_kbd_read_data,trace:qmp_enter_stop,trace:qmp_enter_screendump,trace:qmp_enter_send_key,trace:qmp_enter_system_reset',
    ]);
    expect(valuesOf(argv, '-D')).toEqual(['/w/guest-clock.log']);
    const plain = qemuCommandLine(spec(profile('p3-i440fx')), paths);
    for (const flag of ['-icount', '-rtc', '-plugin', '-d', '-D']) expect(plain).not.toContain(flag);
  });

  it('builds a headless, paused, sandboxed machine with a bounded translation cache and no NIC', () => {
    const argv = qemuCommandLine(spec(profile('p3-i440fx')), paths);
    expect(argv.slice(0, 6)).toEqual(['-nodefaults', '-no-user-config', '-display', 'none', '-S', '-sandbox']);
    expect(valuesOf(argv, '-sandbox')).toEqual(['on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny']);
    expect(valuesOf(argv, '-accel')).toEqual(['tcg,tb-size=64']);
    expect(valuesOf(argv, '-nic')).toEqual(['none']);
    expect(argv).not.toContain('-no-reboot');
    expect(argv).not.toContain('-netdev');
    expect(valuesOf(argv, '-audiodev')).toEqual(['none,id=snd0']);
    expect(valuesOf(argv, '-chardev')).toEqual(['pipe,id=ser0,path=/w/serial0', 'socket,id=qmp0,path=/w/qmp.sock,server=on,wait=off', 'socket,id=hmp0,path=/w/hmp.sock,server=on,wait=off']);
    expect(valuesOf(argv, '-serial')).toEqual(['chardev:ser0']);
    expect(valuesOf(argv, '-mon')).toEqual(['chardev=qmp0,mode=control', 'chardev=hmp0,mode=readline']);
    expect(qemuCommandLine(spec(profile('p3-i440fx')), paths, { sandbox: false })).not.toContain('-sandbox');
  });

  it('drops root after opening its files: chrooted into the jail, then a numeric uid:gid, with the sandbox letting that one setuid through', () => {
    const argv = qemuCommandLine(spec(profile('p3-i440fx')), paths, { runAs: { uid: 999, gid: 995, jail: '/w/jail' } });
    expect(valuesOf(argv, '-chroot')).toEqual(['/w/jail']);
    expect(valuesOf(argv, '-runas')).toEqual(['999:995']);
    expect(valuesOf(argv, '-sandbox')).toEqual(['on,obsolete=deny,elevateprivileges=allow,spawn=deny,resourcecontrol=deny']);
    expect(qemuCommandLine(spec(profile('p3-i440fx')), paths)).not.toContain('-runas');
  });

  it('maps p3-i440fx: pc with ACPI, pentium3, 128 MiB, std VGA, CD read-only, boot order', () => {
    const argv = qemuCommandLine(spec(profile('p3-i440fx')), paths);
    expect(valuesOf(argv, '-machine')).toEqual(['pc,acpi=on,pcspk-audiodev=snd0']);
    expect(valuesOf(argv, '-cpu')).toEqual(['pentium3']);
    expect(valuesOf(argv, '-m')).toEqual(['128M']);
    expect(valuesOf(argv, '-device')).toEqual(['VGA']);
    expect(valuesOf(argv, '-drive')).toEqual([
      'file=/img/cd.iso,if=ide,index=2,media=cdrom,readonly=on,format=raw',
      'if=floppy,index=0', // the profile has a floppy drive, empty here
    ]);
    expect(valuesOf(argv, '-boot')).toEqual(['order=dca']);
  });

  it('maps 486-isa: isapc without ACPI option, 486, 16 MiB, isa-vga, floppy read-only, floppy first', () => {
    const argv = qemuCommandLine(spec(profile('486-isa'), { floppy: '/img/fd.img' }), paths);
    expect(valuesOf(argv, '-machine')).toEqual(['isapc,pcspk-audiodev=snd0']);
    expect(valuesOf(argv, '-cpu')).toEqual(['486']);
    expect(valuesOf(argv, '-m')).toEqual(['16M']);
    expect(valuesOf(argv, '-device')).toEqual(['isa-vga']);
    expect(valuesOf(argv, '-drive')).toEqual(['file=/img/fd.img,if=floppy,index=0,readonly=on,format=raw']);
    expect(valuesOf(argv, '-boot')).toEqual(['order=adc']);
  });

  it('maps p5-i440fx to Cirrus VGA and pentium, and VGA kinds one to one', () => {
    const p5 = profile('p5-i440fx');
    const argv = qemuCommandLine(spec(p5), paths);
    expect(valuesOf(argv, '-device')).toEqual(['cirrus-vga']);
    expect(valuesOf(argv, '-cpu')).toEqual(['pentium']);
    expect(valuesOf(argv, '-m')).toEqual(['32M']);
    const isaCirrus = qemuCommandLine(spec({ ...profile('486-isa'), vga: 'isa-cirrus' }), paths);
    expect(valuesOf(isaCirrus, '-device')).toEqual(['isa-cirrus-vga']);
  });

  it('attaches the profile pointer: a USB tablet on the PIIX3 UHCI, vmport=on for vmmouse, nothing for PS/2 or none', () => {
    const p3 = profile('p3-i440fx');
    const tablet = qemuCommandLine(spec({ ...p3, pointer: 'usb-tablet' }), paths);
    expect(valuesOf(tablet, '-device')).toEqual(['VGA', 'piix3-usb-uhci,id=usb', 'usb-tablet,bus=usb.0']);
    expect(valuesOf(tablet, '-machine')).toEqual(['pc,acpi=on,pcspk-audiodev=snd0']);
    const vmmouse = qemuCommandLine(spec({ ...p3, pointer: 'vmmouse' }), paths);
    expect(valuesOf(vmmouse, '-machine')).toEqual(['pc,acpi=on,vmport=on,pcspk-audiodev=snd0']);
    expect(valuesOf(vmmouse, '-device')).toEqual(['VGA']);
    expect(valuesOf(qemuCommandLine(spec({ ...p3, pointer: 'none' }), paths), '-device')).toEqual(['VGA']);
    expect(valuesOf(qemuCommandLine(spec({ ...profile('486-isa'), pointer: 'vmmouse' }), paths), '-machine')).toEqual(['isapc,vmport=on,pcspk-audiodev=snd0']);
    expect(() => qemuCommandLine(spec({ ...profile('486-isa'), pointer: 'usb-tablet' }), paths)).toThrow(/\(pointer: isapc has no PCI bus/);
  });

  it('takes memory and ACPI off from the profile', () => {
    const argv = qemuCommandLine(spec({ ...profile('p2-i440fx'), memoryMiB: 384, acpi: false }), paths);
    expect(valuesOf(argv, '-m')).toEqual(['384M']);
    expect(valuesOf(argv, '-machine')).toEqual(['pc,acpi=off,pcspk-audiodev=snd0']);
  });

  it('boots a kernel with initrd, appending the profile kernelArgs to the command line', () => {
    const media: Media = { kernel: '/k/linux', initrd: '/k/initrd.gz', append: 'console=ttyS0,115200n8 quiet' };
    const argv = qemuCommandLine(spec(profile('486-isa'), media), paths);
    expect(valuesOf(argv, '-kernel')).toEqual(['/k/linux']);
    expect(valuesOf(argv, '-initrd')).toEqual(['/k/initrd.gz']);
    expect(valuesOf(argv, '-append')).toEqual(['console=ttyS0,115200n8 quiet noapic']);
    // Without an append of its own the profile's arguments stand alone; without either, no -append.
    expect(valuesOf(qemuCommandLine(spec(profile('486-isa'), { kernel: '/k/linux' }), paths), '-append')).toEqual(['noapic']);
    expect(qemuCommandLine(spec(profile('p3-i440fx'), { kernel: '/k/linux' }), paths)).not.toContain('-append');
  });

  it('attaches a disk through the overlay, never the input image, unless it is a writable per-job disk', () => {
    const media: Media = { disk: '/img/hd.raw' };
    const argv = qemuCommandLine(spec(profile('p3-i440fx'), media), { ...paths, diskOverlay: '/w/disk-overlay.qcow2' });
    expect(valuesOf(argv, '-drive')[0]).toBe('file=/w/disk-overlay.qcow2,if=ide,index=0,media=disk,format=qcow2');
    expect(argv.join(' ')).not.toContain('/img/hd.raw');
    expect(() => qemuCommandLine(spec(profile('p3-i440fx'), media), paths)).toThrow(/diskOverlay/);
    const writable = qemuCommandLine(spec(profile('p3-i440fx'), { disk: '/img/hd.qcow2', diskWritable: true }), { ...paths, diskFormat: 'qcow2' });
    expect(valuesOf(writable, '-drive')[0]).toBe('file=/img/hd.qcow2,if=ide,index=0,media=disk,format=qcow2');
  });

  it('escapes commas in paths so they cannot inject options', () => {
    const argv = qemuCommandLine(spec(profile('p3-i440fx'), { cdrom: '/img/a,format=qcow2.iso' }), { ...paths, serialFifoBase: '/w,x/serial0' });
    expect(valuesOf(argv, '-drive')[0]).toBe('file=/img/a,,format=qcow2.iso,if=ide,index=2,media=cdrom,readonly=on,format=raw');
    expect(valuesOf(argv, '-chardev')[0]).toBe('pipe,id=ser0,path=/w,,x/serial0');
  });

  it('adds sound cards on the silent audio backend and a restricted user-mode NIC only when asked', () => {
    const argv = qemuCommandLine(spec({ ...profile('486-isa'), sound: ['sb16', 'adlib', 'pcspk'], nic: 'ne2k_isa' }), paths);
    expect(valuesOf(argv, '-device')).toEqual(['isa-vga', 'ne2k_isa,netdev=net0', 'sb16,audiodev=snd0', 'adlib,audiodev=snd0']);
    expect(valuesOf(argv, '-netdev')).toEqual(['user,id=net0,restrict=on']);
    expect(argv).not.toContain('-nic');
  });

  it.each([
    [{ machine: 'isapc', vga: 'std' }, 'vga'],
    [{ machine: 'isapc', vga: 'isa-vga', diskBus: 'ide' }, 'diskBus'],
    [{ machine: 'isapc', vga: 'isa-vga', diskBus: 'isa-ide', nic: 'rtl8139' }, 'nic'],
    [{ machine: 'isapc', vga: 'isa-vga', diskBus: 'isa-ide', acpi: true }, 'acpi'],
    [{ machine: 'pc', diskBus: 'isa-ide' }, 'diskBus'],
    [{ machine: 'q35' }, 'machine'],
    [{ cpu: 'pentium3 -hda /etc/passwd' }, 'cpu'],
    [{ memoryMiB: 0 }, 'memory'],
    [{ bootOrder: [] }, 'bootOrder'],
  ] as const)('refuses what QEMU cannot express: %j → %s', (override, field) => {
    const p = { ...profile('p3-i440fx'), ...override } as Profile;
    let error: unknown;
    try {
      qemuCommandLine(spec(p), paths);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedProfileError);
    expect((error as UnsupportedProfileError).field).toBe(field);
    expect((error as UnsupportedProfileError).backend).toBe('qemu');
  });

  it('refuses media the profile has no drive for, and an initrd without a kernel', () => {
    expect(() => qemuCommandLine(spec({ ...profile('p3-i440fx'), floppy: false }, { floppy: '/img/fd.img' }), paths)).toThrow(ConfigError);
    expect(() => qemuCommandLine(spec(profile('p3-i440fx'), { initrd: '/k/initrd.gz' }), paths)).toThrow(ConfigError);
  });
});

describe('shellQuote', () => {
  it('quotes only what the shell would split or expand', () => {
    expect(shellQuote(['qemu-system-i386', '-append', "console=ttyS0 it's", '-m', '64M'])).toBe(`qemu-system-i386 -append 'console=ttyS0 it'\\''s' -m 64M`);
  });
});
