import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectModules, modinfo, moduleName } from '../../harness/preset/kernel-modules.js';

const scratch = mkdtempSync(join(tmpdir(), 'bootgate-kernel-modules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A minimal little-endian ELF32 object with a .shstrtab and a .modinfo section. */
function elfWithModinfo(info: Record<string, string>): Buffer {
  const shstrtab = Buffer.from('\0.shstrtab\0.modinfo\0', 'latin1');
  const mod = Buffer.from(Object.entries(info).map(([k, v]) => `${k}=${v}\0`).join(''), 'latin1');
  const header = Buffer.alloc(52);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 1; // ELFCLASS32
  header[5] = 1; // little-endian
  header[6] = 1;
  const shoff = 52 + shstrtab.length + mod.length;
  header.writeUInt32LE(shoff, 0x20);
  header.writeUInt16LE(40, 0x2e);
  header.writeUInt16LE(3, 0x30);
  header.writeUInt16LE(1, 0x32);
  const sh = (name: number, offset: number, size: number) => {
    const b = Buffer.alloc(40);
    b.writeUInt32LE(name, 0);
    b.writeUInt32LE(1, 4);
    b.writeUInt32LE(offset, 16);
    b.writeUInt32LE(size, 20);
    return b;
  };
  return Buffer.concat([header, shstrtab, mod, Buffer.alloc(40), sh(1, 52, shstrtab.length), sh(11, 52 + shstrtab.length, mod.length)]);
}

describe('modinfo', () => {
  it('reads key=value pairs from the .modinfo section', () => {
    const info = modinfo(elfWithModinfo({ license: 'GPL', depends: 'libata,scsi_mod', name: 'ata_piix' }));
    expect(info.get('depends')).toBe('libata,scsi_mod');
    expect(info.get('name')).toBe('ata_piix');
  });

  it('refuses what is not an ELF file', () => {
    expect(() => modinfo(Buffer.from('not an elf at all'))).toThrow(/not a little-endian ELF/);
  });
});

describe('collectModules', () => {
  const root = join(scratch, 'lib/modules');
  const release = join(root, '6.1.0-99-686');
  const ko = (rel: string, depends: string) => {
    mkdirSync(dirname(join(release, rel)), { recursive: true });
    writeFileSync(join(release, rel), elfWithModinfo({ depends, name: moduleName(rel.split('/').at(-1)!) }));
  };
  ko('kernel/drivers/ata/ata_piix.ko', 'libata');
  ko('kernel/drivers/ata/libata.ko', 'scsi_mod');
  ko('kernel/drivers/scsi/scsi_mod.ko', 'scsi_common');
  ko('kernel/drivers/scsi/scsi_common.ko', '');
  ko('kernel/fs/ext4/ext4.ko', 'jbd2,crc16');
  ko('kernel/fs/jbd2/jbd2.ko', '');
  ko('kernel/lib/crc16.ko', '');
  ko('kernel/lib/crc-t10dif.ko', '');
  ko('kernel/sound/unrelated.ko', '');
  writeFileSync(join(release, 'modules.builtin'), 'kernel/drivers/tty/serial/8250/8250.ko\n');

  it('takes the requested modules and everything they depend on, nothing else', async () => {
    const set = await collectModules(root, ['ata_piix', 'ext4']);
    expect(set.release).toBe('6.1.0-99-686');
    expect(set.files).toEqual([
      'kernel/drivers/ata/ata_piix.ko',
      'kernel/drivers/ata/libata.ko',
      'kernel/drivers/scsi/scsi_common.ko',
      'kernel/drivers/scsi/scsi_mod.ko',
      'kernel/fs/ext4/ext4.ko',
      'kernel/fs/jbd2/jbd2.ko',
      'kernel/lib/crc16.ko',
    ]);
  });

  it('treats - and _ alike, and reports built-in modules instead of failing', async () => {
    const set = await collectModules(root, ['crc_t10dif', '8250']);
    expect(set.files).toEqual(['kernel/lib/crc-t10dif.ko']);
    expect(set.builtin).toEqual(['8250']);
  });

  it('names a module that is not there, and who needed it', async () => {
    await expect(collectModules(root, ['nosuch'])).rejects.toThrow(/kernel module nosuch is not in kernel 6\.1\.0-99-686/);
    ko('kernel/drivers/broken.ko', 'missing_dep');
    await expect(collectModules(root, ['broken'])).rejects.toThrow(/missing_dep \(needed by broken\)/);
  });
});
