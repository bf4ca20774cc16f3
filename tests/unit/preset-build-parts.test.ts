import { mkdtempSync, rmSync, writeFileSync, mkdirSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBusyboxApplets } from '../../harness/preset/busybox-applets.js';
import { buildInitramfs } from '../../harness/preset/build-initramfs.js';
import { isolinuxConfig } from '../../harness/preset/build-iso.js';
import { missingBuildTools } from '../../harness/preset/build-tools.js';
import { newcArchive, S_IFCHR } from '../../harness/preset/cpio-newc.js';
import { debFileName, parsePolicy, parseSingleDependency } from '../../harness/preset/debian-packages.js';
import { matchInPackage } from '../../harness/preset/package-path.js';
import { aptStateKey } from '../../harness/preset/apt-state-key.js';
import { JsonMemo } from '../../harness/util/json-memo.js';

const scratch = mkdtempSync(join(tmpdir(), 'bootgate-build-parts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Bytes that look like a BusyBox binary to the applet-table reader. */
function fakeBusybox(applets: string[]): Buffer {
  return Buffer.concat([Buffer.from('\x7fELF junk\0'), Buffer.from('\0' + applets.join('\0') + '\0\0', 'latin1'), Buffer.from('more junk')]);
}

describe('parsePolicy (apt-cache policy output)', () => {
  const text = [
    'busybox-static:i386:',
    '  Installed: (none)',
    '  Candidate: 1:1.35.0-4+deb12u1+b1',
    '  Version table:',
    '     1:1.35.0-4+deb12u1+b1 500',
    '        500 http://deb.example/debian bookworm/main i386 Packages',
    '     1:1.35.0-4 500',
    '        500 http://deb.example/debian bookworm/main i386 Packages',
    'isolinux:',
    '  Installed: 3:6.04-3',
    '  Candidate: 3:6.04-3',
    '  Version table:',
    ' *** 3:6.04-3 500',
    '        500 http://deb.example/debian bookworm/main amd64 Packages',
    '        100 /var/lib/dpkg/status',
    'ghost:i386:',
    '  Installed: (none)',
    '  Candidate: (none)',
    '  Version table:',
  ].join('\n');
  const blocks = parsePolicy(text);

  it('reads the candidate and every listed version per package', () => {
    expect(blocks.get('busybox-static:i386')).toEqual({ candidate: '1:1.35.0-4+deb12u1+b1', versions: ['1:1.35.0-4+deb12u1+b1', '1:1.35.0-4'] });
    expect(blocks.get('isolinux')).toEqual({ candidate: '3:6.04-3', versions: ['3:6.04-3'] });
  });

  it('has no candidate for a package apt cannot install', () => {
    expect(blocks.get('ghost:i386')).toEqual({ versions: [] });
  });
});

describe('debFileName', () => {
  it('is the name apt-get download gives the file, epoch colon escaped', () => {
    expect(debFileName({ name: 'busybox-static', arch: 'i386', version: '1:1.35.0-4+deb12u1+b1' })).toBe('busybox-static_1%3a1.35.0-4+deb12u1+b1_i386.deb');
    expect(debFileName({ name: 'debian-installer-12-netboot-i386', arch: 'all', version: '20230607+deb12u15' })).toBe(
      'debian-installer-12-netboot-i386_20230607+deb12u15_all.deb',
    );
  });
});

describe('parseBusyboxApplets', () => {
  it('reads the sorted applet table', () => {
    expect(parseBusyboxApplets(fakeBusybox(['[', '[[', 'ash', 'busybox', 'ls', 'mount', 'sh']))).toEqual(['[', '[[', 'ash', 'busybox', 'ls', 'mount', 'sh']);
  });

  it('refuses a file without a table, or with a table that is not sorted', () => {
    expect(() => parseBusyboxApplets(Buffer.from('just some bytes'), 'x')).toThrow(/x: no unique BusyBox applet table/);
    expect(() => parseBusyboxApplets(fakeBusybox(['[', '[[', 'sh', 'busybox']))).toThrow(/does not look right/);
  });
});

describe('newcArchive', () => {
  it('writes device nodes GNU cpio reads back', async () => {
    const archive = newcArchive([{ name: 'dev/console', mode: S_IFCHR | 0o600, rdevMajor: 5, rdevMinor: 1 }]);
    expect(archive.length % 4).toBe(0);
    const list = await execa('cpio', ['-t', '-v', '--quiet'], { input: archive });
    expect(list.stdout).toMatch(/^crw------- .* 5,\s*1 .* dev\/console$/m);
  });
});

describe('buildInitramfs', () => {
  it('packs BusyBox, a symlink per applet, the recipe files and /dev/console, reproducibly', async () => {
    const dir = join(scratch, 'initramfs');
    mkdirSync(dir);
    const busybox = join(dir, 'busybox');
    writeFileSync(busybox, fakeBusybox(['[', '[[', 'busybox', 'init', 'mount', 'sh']));
    const init = join(dir, 'init');
    writeFileSync(init, '#!/bin/sh\nexec /sbin/init\n');
    chmodSync(init, 0o644);
    const build = async (name: string) => {
      mkdirSync(join(dir, name));
      const out = join(dir, `${name}.gz`);
      const r = await buildInitramfs({ busybox, files: [{ from: init, target: '/init', mode: 0o755 }], workDir: join(dir, name), out });
      return { ...r, bytes: readFileSync(out) };
    };
    const first = await build('one');
    expect(first.applets).toBe(5);

    // Two archives back to back, as the kernel reads them: cpio's, then the device nodes at a
    // 4-byte aligned offset after the first trailer. GNU cpio lists one archive at a time.
    const raw = gunzipSync(first.bytes);
    const second = raw.indexOf('070701', raw.indexOf('TRAILER!!!'));
    expect(second % 4).toBe(0);
    const list = [raw.subarray(0, second), raw.subarray(second)].map((part) => execa('cpio', ['-t', '-v', '--quiet'], { input: part }));
    const listing = (await Promise.all(list)).map((r) => r.stdout).join('\n');
    expect(listing).toMatch(/^-rwxr-xr-x .* root +root .* init$/m);
    expect(listing).toMatch(/^lrwxrwxrwx .* bin\/sh -> busybox$/m);
    expect(listing).toMatch(/^lrwxrwxrwx .* bin\/\[\[ -> busybox$/m);
    expect(listing).toMatch(/^-rwxr-xr-x .* bin\/busybox$/m);
    expect(listing).toMatch(/^lrwxrwxrwx .* sbin -> bin$/m);
    expect(listing).toMatch(/^crw------- .* dev\/console$/m);
    expect(listing).not.toMatch(/bin\/busybox -> /);

    const again = await build('two');
    expect(again.bytes.equals(first.bytes)).toBe(true);
  });
});

describe('isolinuxConfig', () => {
  it('boots the one entry at once, talking on serial too', () => {
    const cfg = isolinuxConfig({ commandLine: 'console=ttyS0,115200n8 console=tty0', timeoutSeconds: 0 });
    expect(cfg).toMatch(/^SERIAL 0 115200$/m);
    expect(cfg).toMatch(/^PROMPT 0$/m);
    expect(cfg).toMatch(/^ {2}APPEND console=ttyS0,115200n8 console=tty0$/m);
    expect(cfg).not.toMatch(/TIMEOUT/);
  });

  it('waits at the prompt when given a timeout, in tenths of a second', () => {
    expect(isolinuxConfig({ commandLine: '', timeoutSeconds: 3 })).toMatch(/^PROMPT 1\nTIMEOUT 30$/m);
  });
});

describe('missingBuildTools', () => {
  it('names each missing tool with the Debian package that provides it', async () => {
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    for (const tool of ['dpkg', 'dpkg-deb', 'apt-get', 'apt-cache']) {
      writeFileSync(join(bin, tool), '#!/bin/sh\n');
      chmodSync(join(bin, tool), 0o755);
    }
    writeFileSync(join(bin, 'cpio'), 'not executable');
    expect(await missingBuildTools(bin)).toEqual([
      { command: 'cpio', debianPackage: 'cpio' },
      { command: 'xorriso', debianPackage: 'xorriso' },
    ]);
  });
});

describe('parseSingleDependency (following a metapackage)', () => {
  it('takes the one package and the version it pins', () => {
    expect(parseSingleDependency('linux-image-6.1.0-50-686 (= 6.1.176-1)')).toEqual({ name: 'linux-image-6.1.0-50-686', version: '6.1.176-1' });
    expect(parseSingleDependency('foo:i386 (>= 2)')).toEqual({ name: 'foo' });
    expect(parseSingleDependency('foo')).toEqual({ name: 'foo' });
  });

  it('refuses several packages or alternatives', () => {
    expect(() => parseSingleDependency('a (= 1), b')).toThrow(/exactly one package/);
    expect(() => parseSingleDependency('a | b')).toThrow(/exactly one package/);
  });
});

describe('matchInPackage', () => {
  const root = join(scratch, 'pkg');
  mkdirSync(join(root, 'boot'), { recursive: true });
  mkdirSync(join(root, 'lib/modules/6.1.0-50-686'), { recursive: true });
  for (const f of ['boot/vmlinuz-6.1.0-50-686', 'boot/config-6.1.0-50-686', 'boot/System.map-6.1.0-50-686']) writeFileSync(join(root, f), '');

  it('finds plain paths and * within one component', async () => {
    expect(await matchInPackage(root, '/boot/vmlinuz-*')).toEqual([join(root, 'boot/vmlinuz-6.1.0-50-686')]);
    expect(await matchInPackage(root, '/lib/modules/*')).toEqual([join(root, 'lib/modules/6.1.0-50-686')]);
    expect(await matchInPackage(root, '/boot/config-6.1.0-50-686')).toEqual([join(root, 'boot/config-6.1.0-50-686')]);
  });

  it('returns every match, or none, so the caller can insist on exactly one', async () => {
    expect(await matchInPackage(root, '/boot/*-6.1.0-50-686')).toHaveLength(3);
    expect(await matchInPackage(root, '/boot/initrd.img-*')).toEqual([]);
    expect(await matchInPackage(root, '/nowhere/*/x')).toEqual([]);
  });

  it('takes regex characters in names literally', async () => {
    writeFileSync(join(root, 'boot/a+b.c'), '');
    expect(await matchInPackage(root, '/boot/a+b.*')).toEqual([join(root, 'boot/a+b.c')]);
    expect(await matchInPackage(root, '/boot/a+bxc')).toEqual([]);
  });
});

describe('JsonMemo and aptStateKey', () => {
  it('remembers values by key and survives a broken file', async () => {
    const file = join(scratch, 'memo', 'resolved.json');
    const memo = new JsonMemo<number[]>(file);
    expect(await memo.get('k')).toBeUndefined();
    await memo.set('k', [1, 2]);
    expect(await new JsonMemo<number[]>(file).get('k')).toEqual([1, 2]);
    writeFileSync(file, '{ not json');
    expect(await memo.get('k')).toBeUndefined();
    await memo.set('k', [3]);
    expect(await memo.get('k')).toEqual([3]);
  });

  it('changes when a package list changes', async () => {
    const lists = join(scratch, 'lists');
    mkdirSync(lists);
    writeFileSync(join(lists, 'deb_dists_bookworm_main_binary-i386_Packages.lz4'), 'one');
    const before = await aptStateKey(lists, []);
    expect(await aptStateKey(lists, [])).toBe(before);
    writeFileSync(join(lists, 'deb_dists_bookworm_main_binary-i386_Packages.lz4'), 'one more');
    expect(await aptStateKey(lists, [])).not.toBe(before);
  });
});
