/**
 * Builds a gzip'd newc initramfs without privileges: a staging tree (BusyBox, a symlink per
 * applet, the recipe's files) packed by `cpio -o -H newc` run from Node, followed by a small
 * archive written here with the device node the kernel opens before /init runs (/dev/console),
 * then gzip -9 through zlib. Timestamps, owners and entry order are fixed, so the same inputs
 * give the same bytes.
 */
import { chmod, copyFile, lstat, lutimes, mkdir, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip, constants as zlib } from 'node:zlib';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { InfraError } from '../errors.js';
import { readBusyboxApplets } from './busybox-applets.js';
import { newcArchive, S_IFCHR } from './cpio-newc.js';

/** 2020-01-01T00:00:00Z: every file in the initramfs gets this mtime. */
export const FIXED_MTIME = 1577836800;

const DIRS = ['bin', 'dev', 'etc', 'proc', 'sys', 'tmp', 'root', 'mnt', 'run', 'usr'];
const LINKS: Record<string, string> = { sbin: 'bin', 'usr/bin': '../bin', 'usr/sbin': '../bin' };

export interface InitramfsFileInput {
  /** A file on the host. */
  readonly from: string;
  /** Absolute path inside the initramfs. */
  readonly target: string;
  readonly mode: number;
}

export interface InitramfsSpec {
  /** The BusyBox binary to put at /bin/busybox. */
  readonly busybox: string;
  readonly files: readonly InitramfsFileInput[];
  /**
   * Unpacked root trees (a package closure) merged in after BusyBox and before `files`: folders
   * merge (through the initramfs's own links, so /usr/bin lands in /bin), and a path that already
   * exists is kept, so BusyBox's applets stay what the scripts run.
   */
  readonly trees?: readonly string[];
  /** An empty folder to stage the tree in. */
  readonly workDir: string;
  /** Where to write the gzip'd archive. */
  readonly out: string;
}

export async function buildInitramfs(spec: InitramfsSpec): Promise<{ applets: number; sizeBytes: number; merged: number }> {
  const tree = join(spec.workDir, 'initramfs');
  for (const d of DIRS) await mkdir(join(tree, d), { recursive: true });
  for (const [link, to] of Object.entries(LINKS)) await symlink(to, join(tree, link));

  await copyFile(spec.busybox, join(tree, 'bin/busybox'));
  await chmod(join(tree, 'bin/busybox'), 0o755);
  const applets = (await readBusyboxApplets(spec.busybox)).filter((a) => a !== 'busybox');
  for (const a of applets) await symlink('busybox', join(tree, 'bin', a));

  let merged = 0;
  for (const t of spec.trees ?? []) merged += await mergeTree(t, tree);

  for (const f of spec.files) {
    const dest = join(tree, f.target.replace(/^\/+/, ''));
    await mkdir(dirname(dest), { recursive: true });
    await rm(dest, { force: true });
    await copyFile(f.from, dest);
    await chmod(dest, f.mode);
  }

  const paths = await listTree(tree);
  for (const p of paths) await lutimes(join(tree, p), FIXED_MTIME, FIXED_MTIME);
  await lutimes(tree, FIXED_MTIME, FIXED_MTIME);

  const cpio = await execa('cpio', ['--create', '--format=newc', '--owner=0:0', '--reproducible', '--quiet'], {
    cwd: tree,
    input: paths.join('\n') + '\n',
    encoding: 'buffer',
    // execa's default 100 MB stdout cap kills cpio on a desktop-sized tree ("write error").
    maxBuffer: 1024 * 1024 * 1024,
    reject: false,
  });
  if (cpio.exitCode !== 0) throw new InfraError(`cpio failed: ${Buffer.from(cpio.stderr).toString().trim()}`);
  const nodes = newcArchive([{ name: 'dev/console', mode: S_IFCHR | 0o600, rdevMajor: 5, rdevMinor: 1, mtime: FIXED_MTIME }]);
  const gz = await promisify(gzip)(Buffer.concat([Buffer.from(cpio.stdout), nodes]), { level: zlib.Z_BEST_COMPRESSION });
  await writeFile(spec.out, gz);
  return { applets: applets.length, sizeBytes: gz.length, merged };
}

/** Copies `from` into `to` (see InitramfsSpec.trees); returns how many files and links it added. */
async function mergeTree(from: string, to: string): Promise<number> {
  let added = 0;
  const entries = (await readdir(from, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const src = join(from, e.name);
    const dest = join(to, e.name);
    const there = await lstat(dest).catch(() => undefined);
    if (e.isDirectory()) {
      if (!there) {
        await mkdir(dest);
        await chmod(dest, (await stat(src)).mode & 0o7777);
      } else if (!(await stat(dest).catch(() => undefined))?.isDirectory()) {
        continue;
      }
      added += await mergeTree(src, dest);
    } else if (there) {
      continue;
    } else if (e.isSymbolicLink()) {
      await symlink(await readlink(src), dest);
      added++;
    } else if (e.isFile()) {
      await copyFile(src, dest);
      await chmod(dest, (await stat(src)).mode & 0o7777);
      added++;
    }
  }
  return added;
}

/** Every path under `root`, relative, parents before children, sorted: cpio's input list. */
async function listTree(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(join(root, prefix), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    out.push(rel);
    if (e.isDirectory()) out.push(...(await listTree(root, rel)));
  }
  return out;
}
