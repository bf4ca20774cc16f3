/**
 * Run as root (as CI runs it), QEMU still boots images only root may read, yet runs as an
 * unprivileged user, chrooted into a folder of its own, unable to reach the QMP socket it is
 * driven through. Read from /proc, the kernel's own account of the running QEMU. One GRUB boot,
 * saved and restored, so the screendumps, memory dumps and migration socket that cross the jail
 * are all exercised.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../harness/machine/profile.js';
import { QemuMachine } from '../../harness/machine/qemu/qemu-machine.js';
import { chooseQemuUser } from '../../harness/machine/qemu/qemu-user.js';
import { loadProfileFile, PROJECT_VM_CONFIGS } from '../../harness/vm-config/load-profile.js';
import { waitForText } from '../support/machine-screen.js';
import { sectorPrinterImage } from '../support/serial-guests.js';
import { tempDirForAll } from '../support/temp-dir.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const profile: Profile = loadProfileFile(join(PROJECT_VM_CONFIGS, 'p3-i440fx.yaml'));
const work = tempDirForAll('bootgate-drops-root-');
const running: QemuMachine[] = [];
afterEach(async () => {
  for (const m of running.splice(0)) await m.stop();
});

/** The QEMU whose command line names `workDir` (each machine's is unique). */
function qemuPidIn(workDir: string): number {
  const out = execFileSync('pgrep', ['-f', '--', `qemu-system-i386.*${workDir}`], { encoding: 'utf8' }).trim().split('\n');
  expect(out).toHaveLength(1);
  return Number(out[0]);
}

const idsOf = (pid: number, field: 'Uid' | 'Gid') => new RegExp(`^${field}:\\s+(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!.split(/\s+/).map(Number);

/** What a connect() to `socket` by `uid:gid` ends in: the error code, or CONNECTED. */
function connectAs(uid: number, gid: number, socket: string): string {
  const probe = "const s = require('net').connect(process.argv[1]); s.on('connect', () => { console.log('CONNECTED'); process.exit(0); }); s.on('error', (e) => { console.log(e.code); process.exit(0); });";
  return execFileSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', process.execPath, '-e', probe, socket], { encoding: 'utf8' }).trim();
}

describe.skipIf(process.getuid?.() !== 0)('QEMU started by root', () => {
  it('runs as the unprivileged QEMU user in a jail of its own, boots root-only images, and cannot reach its QMP socket', async () => {
    const user = chooseQemuUser().user!;
    expect(user.uid).not.toBe(0);
    const images = join(work, 'root-only');
    mkdirSync(images, { mode: 0o700 });
    const cd = join(images, 'grub.iso');
    const disk = join(images, 'disk.raw');
    copyFileSync(GRUB_CD, cd);
    writeFileSync(disk, sectorPrinterImage(1 << 20, 'DISK'));
    for (const f of [cd, disk]) chmodSync(f, 0o600);

    const workDir = join(work, 'machine');
    const machine = new QemuMachine({ profile, media: { cdrom: cd, disk }, workDir });
    running.push(machine);
    await machine.start();
    await waitForText(machine, /GNU GRUB/, 30_000);

    const pid = qemuPidIn(workDir);
    // Real, effective, saved and file-system ids: all the QEMU user's, none root's.
    expect(idsOf(pid, 'Uid')).toEqual([user.uid, user.uid, user.uid, user.uid]);
    expect(idsOf(pid, 'Gid')).toEqual([user.gid, user.gid, user.gid, user.gid]);
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^CapEff:\s+0+$/m);
    const jail = readlinkSync(`/proc/${pid}/root`);
    expect(jail).toBe(join(workDir, 'jail'));
    // What it holds open from outside the jail: its images and overlay, opened as root before it dropped.
    const held = readdirSync(`/proc/${pid}/fd`).map((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { return ''; } }).filter((p) => p.startsWith('/') && !p.startsWith('/dev/'));
    expect(held).toEqual(expect.arrayContaining([cd, disk, join(workDir, 'disk-overlay.qcow2')]));
    expect(connectAs(user.uid, user.gid, join(workDir, 'qmp.sock'))).toBe('EACCES');
    expect(connectAs(0, 0, join(workDir, 'qmp.sock')), 'the probe itself can connect').toBe('CONNECTED');

    // A screendump and a memory dump (the text read above) went through the jail; a migration does too.
    expect((await machine.screenshot()).width).toBeGreaterThan(0);
    const state = join(work, 'state');
    mkdirSync(state);
    await machine.saveState(state);
    await machine.stop();

    const restoredDir = join(work, 'restored');
    const restored = new QemuMachine({ profile, media: { cdrom: cd, disk }, workDir: restoredDir, restoreFrom: state });
    running.push(restored);
    await restored.start();
    await waitForText(restored, /GNU GRUB/, 10_000);
    expect(idsOf(qemuPidIn(restoredDir), 'Uid')[1]).toBe(user.uid);
  }, 90_000);
});
