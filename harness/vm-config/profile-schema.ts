/** The machine profile file format (vm-configs/<name>.yaml). */
import * as z from 'zod';
import { POINTER_DEVICES } from '../machine/profile.js';

export const profileSchema = z
  .strictObject({
    description: z.string().min(1),
    machine: z.enum(['pc', 'isapc']),
    cpu: z.string().regex(/^[a-z0-9_-]+$/i, 'a QEMU CPU model name such as 486, pentium, pentium3'),
    memory: z.number().int().min(1).max(4096),
    vga: z.enum(['std', 'cirrus', 'isa-vga', 'isa-cirrus']),
    diskBus: z.enum(['ide', 'isa-ide']).default('ide'),
    floppy: z.boolean().default(true),
    nic: z.enum(['none', 'ne2k_isa', 'ne2k_pci', 'rtl8139', 'pcnet']).default('none'),
    sound: z.array(z.enum(['sb16', 'adlib', 'gus', 'pcspk'])).default([]),
    acpi: z.boolean().default(true),
    bootOrder: z.array(z.enum(['cdrom', 'disk', 'floppy', 'network'])).min(1).default(['cdrom', 'disk', 'floppy']),
    kernelArgs: z.string().optional(),
    // PS/2 by default: every PC board of the profiles' era has one, both emulators always emulate
    // it, and it adds nothing to the machine a profile without the field described before.
    pointer: z.enum(POINTER_DEVICES).default('ps2'),
  })
    .refine((p) => p.machine === 'pc' || !['std', 'cirrus'].includes(p.vga), { message: 'an isapc board has no PCI slot: use isa-vga or isa-cirrus', path: ['vga'] })
    .refine((p) => p.machine === 'pc' || !['ne2k_pci', 'rtl8139', 'pcnet'].includes(p.nic), { message: 'an isapc board has no PCI slot: use ne2k_isa or none', path: ['nic'] })
    .refine((p) => p.machine === 'pc' || p.pointer !== 'usb-tablet', { message: 'an isapc board has no USB controller: use ps2 or vmmouse', path: ['pointer'] })
    .refine((p) => p.machine === 'isapc' || p.diskBus === 'ide', { message: 'isa-ide is for isapc boards', path: ['diskBus'] });
