/**
 * Images of every shape a user may hand over, on both backends: a kernel of odd size (v86 crashed
 * on iPXE's 306,521-byte ipxe.lkrn), a disk that is not a whole number of sectors, a floppy of no
 * standard size, a CD of odd size, sparse images larger than v86 reads whole, and images on a
 * read-only file system. Each must boot, and each file must be exactly as it was afterwards.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BackendName, Machine } from '../../harness/machine/machine.js';
import type { Media } from '../../harness/machine/media.js';
import type { BootDevice } from '../../harness/machine/profile.js';
import { QemuMachine } from '../../harness/machine/qemu/qemu-machine.js';
import { createV86Machine } from '../../harness/machine/v86/v86-machine.js';
import { loadAllProfiles } from '../../harness/vm-config/load-profile.js';
import { sectorPrinterImage } from '../support/serial-guests.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const DI_KERNEL = '/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux';
const p3 = loadAllProfiles().find((p) => p.name === 'p3-i440fx')!;
const MiB = 1024 * 1024;

const root = mkdtempSync(join(tmpdir(), 'bootgate-shapes-'));
const images = join(root, 'images');
/** The same folder mounted read-only, when this host lets us mount (root in a container may). */
const readOnly = join(root, 'read-only');
let readOnlyMounted = false;

interface Shape {
  readonly name: string;
  readonly media: (dir: string) => Media;
  readonly boot: BootDevice;
  /** What shows the guest got the image: a line on COM1 or text on the screen. */
  readonly serial?: RegExp;
  readonly screen?: RegExp;
  readonly timeoutMs: number;
}

const SHAPES: readonly Shape[] = [
  // 5,707,713 bytes: odd, like ipxe.lkrn; an odd initrd with it (Linux stops at it, after its banner).
  { name: 'odd-size kernel and initrd', media: (d) => ({ kernel: join(d, 'odd.kernel'), initrd: join(d, 'odd.initrd'), append: 'console=ttyS0' }), boot: 'disk', serial: /Linux version/, timeoutMs: 150_000 },
  { name: 'disk of 1 MiB + 9 bytes', media: (d) => ({ disk: join(d, 'partial-sector.disk') }), boot: 'disk', serial: /PARTIAL DISK OK/, timeoutMs: 30_000 },
  { name: 'floppy of 70,001 bytes', media: (d) => ({ floppy: join(d, 'odd.floppy') }), boot: 'floppy', serial: /ODD FLOPPY OK/, timeoutMs: 30_000 },
  { name: 'CD of odd size', media: (d) => ({ cdrom: join(d, 'odd.iso') }), boot: 'cdrom', screen: /GNU GRUB/, timeoutMs: 60_000 },
  { name: 'sparse disk of 256 MiB + 9 bytes', media: (d) => ({ disk: join(d, 'sparse.disk') }), boot: 'disk', serial: /SPARSE DISK OK/, timeoutMs: 30_000 },
  { name: 'sparse CD of 80 MiB + 1 byte (read lazily by v86)', media: (d) => ({ cdrom: join(d, 'sparse.iso') }), boot: 'cdrom', screen: /GNU GRUB/, timeoutMs: 60_000 },
];

beforeAll(() => {
  mkdirSync(images);
  copyFileSync(DI_KERNEL, join(images, 'odd.kernel'));
  appendFileSync(join(images, 'odd.kernel'), Buffer.from([0]));
  writeFileSync(join(images, 'odd.initrd'), Buffer.alloc(70_001, 0x5a));
  writeFileSync(join(images, 'partial-sector.disk'), sectorPrinterImage(MiB + 9, 'PARTIAL DISK OK'));
  writeFileSync(join(images, 'odd.floppy'), sectorPrinterImage(70_001, 'ODD FLOPPY OK'));
  copyFileSync(GRUB_CD, join(images, 'odd.iso'));
  appendFileSync(join(images, 'odd.iso'), Buffer.from([0]));
  writeFileSync(join(images, 'sparse.disk'), sectorPrinterImage(1024, 'SPARSE DISK OK'));
  truncateSync(join(images, 'sparse.disk'), 256 * MiB + 9);
  copyFileSync(GRUB_CD, join(images, 'sparse.iso'));
  truncateSync(join(images, 'sparse.iso'), 80 * MiB + 1);
  mkdirSync(readOnly);
  try {
    execFileSync('mount', ['--bind', images, readOnly], { stdio: 'ignore' });
    execFileSync('mount', ['-o', 'remount,bind,ro', readOnly], { stdio: 'ignore' });
    readOnlyMounted = true;
  } catch {
    // Not allowed here (no CAP_SYS_ADMIN): the read-only cases are skipped, and say so.
  }
});

afterAll(() => {
  if (readOnlyMounted) execFileSync('umount', [readOnly]);
  rmSync(root, { recursive: true, force: true });
});

const live: Machine[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((m) => m.stop()));
});

/** Size, allocated blocks, mtime and content hash: a file "as it was" in every respect a run could change. */
function fingerprint(path: string): string {
  const s = statSync(path);
  const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
  return `${s.size} ${s.blocks} ${s.mtimeMs} ${hash}`;
}

async function bootShape(backend: BackendName, shape: Shape, dir: string): Promise<void> {
  const media = shape.media(dir);
  const files = Object.values(media).filter((v): v is string => typeof v === 'string' && v.startsWith(dir));
  const before = files.map(fingerprint);
  const workDir = mkdtempSync(join(root, `${backend}-work-`));
  const spec = { profile: { ...p3, bootOrder: [shape.boot] }, media, workDir };
  const machine = backend === 'qemu' ? new QemuMachine(spec) : createV86Machine(spec);
  live.push(machine);
  await machine.start();
  const deadline = Date.now() + shape.timeoutMs;
  let screen = '';
  for (;;) {
    if (shape.serial?.test(machine.serial.text)) break;
    if (shape.screen) {
      screen = ((await machine.textScreen()) ?? []).join('\n');
      if (shape.screen.test(screen)) break;
    }
    if (Date.now() > deadline) throw new Error(`${shape.name} on ${backend}: nothing within ${shape.timeoutMs} ms; serial ${JSON.stringify(machine.serial.text.slice(-300))}, screen:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await machine.stop();
  expect(files.map(fingerprint)).toEqual(before);
}

describe.each(['qemu', 'v86'] as const)('image shapes on %s', (backend) => {
  for (const shape of SHAPES) {
    it(`boots: ${shape.name}`, () => bootShape(backend, shape, images), shape.timeoutMs + 30_000);
  }

  it('boots a disk, a floppy and a CD on a read-only file system', async (ctx) => {
    if (!readOnlyMounted) ctx.skip();
    for (const name of ['disk of 1 MiB + 9 bytes', 'floppy of 70,001 bytes', 'CD of odd size']) {
      await bootShape(backend, SHAPES.find((s) => s.name === name)!, readOnly);
    }
  }, 150_000);
});
