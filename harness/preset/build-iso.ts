/**
 * Packs a kernel and an initramfs into an isolinux CD-ROM image with xorriso: El Torito
 * no-emulation boot plus an isohybrid MBR, so the same file boots as a CD or as a disk.
 * No loop mount, no privileges. Fixed file times and SOURCE_DATE_EPOCH (the volume's dates and
 * UUID) make the same inputs give the same bytes.
 */
import { copyFile, mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { InfraError } from '../errors.js';
import { FIXED_MTIME } from './build-initramfs.js';

export interface IsolinuxFiles {
  /** isolinux.bin (package isolinux). */
  readonly isolinuxBin: string;
  /** ldlinux.c32, the BIOS core module isolinux 6 loads (package syslinux-common). */
  readonly ldlinuxC32: string;
  /** isohdpfx.bin, the isohybrid MBR (package isolinux). */
  readonly isohdpfx: string;
}

export interface IsoSpec {
  readonly kernel: string;
  readonly initramfs: string;
  readonly isolinux: IsolinuxFiles;
  readonly commandLine: string;
  readonly timeoutSeconds: number;
  readonly volumeId: string;
  /** An empty folder to lay out the CD tree in. */
  readonly workDir: string;
  readonly out: string;
}

/** Where things live on the CD. */
export const ISO_KERNEL = '/boot/linux';
export const ISO_INITRD = '/boot/initrd.gz';

/** isolinux.cfg: talk on the first serial port too, and boot the one entry. */
export function isolinuxConfig(o: { commandLine: string; timeoutSeconds: number }): string {
  return [
    'SERIAL 0 115200',
    'DEFAULT linux',
    o.timeoutSeconds > 0 ? `PROMPT 1\nTIMEOUT ${o.timeoutSeconds * 10}` : 'PROMPT 0',
    'LABEL linux',
    `  KERNEL ${ISO_KERNEL}`,
    `  INITRD ${ISO_INITRD}`,
    `  APPEND ${o.commandLine}`,
    '',
  ].join('\n');
}

export async function buildIso(spec: IsoSpec): Promise<void> {
  const tree = join(spec.workDir, 'cd');
  await mkdir(join(tree, 'isolinux'), { recursive: true });
  await mkdir(join(tree, 'boot'), { recursive: true });
  await copyFile(spec.isolinux.isolinuxBin, join(tree, 'isolinux/isolinux.bin'));
  await copyFile(spec.isolinux.ldlinuxC32, join(tree, 'isolinux/ldlinux.c32'));
  await writeFile(join(tree, 'isolinux/isolinux.cfg'), isolinuxConfig(spec));
  await copyFile(spec.kernel, join(tree, ISO_KERNEL.slice(1)));
  await copyFile(spec.initramfs, join(tree, ISO_INITRD.slice(1)));
  // Rock Ridge and the ISO directory records carry each file's mtime.
  for (const p of ['isolinux/isolinux.bin', 'isolinux/ldlinux.c32', 'isolinux/isolinux.cfg', ISO_KERNEL.slice(1), ISO_INITRD.slice(1), 'isolinux', 'boot', '.']) {
    await utimes(join(tree, p), FIXED_MTIME, FIXED_MTIME);
  }

  const args = [
    '-as', 'mkisofs',
    '-o', spec.out,
    '-V', spec.volumeId,
    '-R', '-J',
    '-isohybrid-mbr', spec.isolinux.isohdpfx,
    '-c', 'isolinux/boot.cat',
    '-b', 'isolinux/isolinux.bin',
    '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
    tree,
  ];
  const run = await execa('xorriso', args, { env: { SOURCE_DATE_EPOCH: String(FIXED_MTIME) }, reject: false });
  if (run.exitCode !== 0) {
    const why = run.stderr.split('\n').filter((l) => /FAILURE|SORRY|ERROR/.test(l)).at(-1) ?? run.stderr.trim().split('\n').at(-1);
    throw new InfraError(`xorriso failed: ${why}`);
  }
}
