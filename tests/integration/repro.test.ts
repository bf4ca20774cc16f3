/**
 * `bootgate repro` end to end with real QEMU and the compiled CLI: a scenario that fails on the
 * GRUB rescue CD hands the live machine over with its serial console on a pipe; closing the pipe
 * stops it (exit 1) and leaves no QEMU and no temp folder. Its prompt moves the pointer and saves
 * a region golden of the live screen. The command line it printed, run by itself, boots the same
 * image to the same screen.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { QmpClient } from '../../harness/machine/qemu/qmp-client.js';
import { sameFrame } from '../../harness/machine/same-frame.js';
import { GoldenStore } from '../../harness/screen/golden-store.js';
import { readPng } from '../../harness/screen/png-file.js';
import { RegionMatcher } from '../../harness/screen/region-golden.js';
import { regionSpecs } from '../../harness/steps/region-wait.js';
import { poll } from '../support/poll.js';
import { qemuSerialFifoBase } from '../support/qemu-argv.js';
import { alive, qemuPidsUnder } from '../support/qemu-processes.js';
import { readJobs, startCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
/** GRUB's countdown line ("executed automatically in Ns"), as the grub-rescue golden masks it. */
const COUNTDOWN = [{ x: 0, y: 352, width: 720, height: 16 }];
const work = tempDirForAll('bootgate-repro-it-');

/** The security types a VNC server offers a client speaking RFB 3.8. */
function vncSecurityTypes(port: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length === 12) socket.write('RFB 003.008\n');
      if (got.length > 13 && got.length >= 13 + got[12]!) {
        socket.destroy();
        resolve([...got.subarray(13, 13 + got[12]!)]);
      }
    });
  });
}

describe('bootgate repro', () => {
  let command = '';
  let screenFile = '';

  it('hands a failing QEMU machine over on a pipe; closing the pipe stops it cleanly with exit 1 and no QEMU left', async () => {
    const scenario = join(work, 'never.yaml');
    writeFileSync(scenario, `image: {cdrom: ${GRUB_CD}}\nbackends: [qemu]\nsteps:\n  - waitText: "GNU GRUB"\n  - name: never\n    waitText: "text GRUB never shows"\n    timeout: 3s\n`);
    const report = join(work, 'report');
    // Not as CI (which writes no golden): the prompt saves one below.
    const cli = startCli(['repro', scenario, '--report-dir', report, '--update-goldens=missing'], { stdin: 'pipe', timeoutMs: 120_000, env: { CI: '0' } });
    const child = cli.child;
    await poll('the serial console', () => cli.stdout().includes('--- serial console'), { timeoutMs: 60_000 });
    const stdout = cli.stdout();
    const lines = stdout.split('\n');
    // The reproduction command comes first, before any step ran.
    const commandLine = lines.findIndex((l) => l.trimStart().startsWith('d=$(mktemp -d) && mkfifo '));
    expect(commandLine).toBeGreaterThan(0);
    expect(commandLine).toBeLessThan(lines.findIndex((l) => l.includes('FAILED')));
    command = lines[commandLine]!.trim();
    expect(command).toMatch(/qemu-system-i386 .*-vnc 127\.0\.0\.1:\d+,password=on /);
    expect(command).not.toMatch(/ -S /);
    expect(stdout).toMatch(/FAILED: timed out after 3\.0 s waiting for screen text text GRUB never shows/);
    const vnc = /VNC at 127\.0\.0\.1:(\d+) \(port (\d+), loopback only\), password (\S{8}),/.exec(stdout);
    expect(vnc).not.toBeNull();
    // The display asks for a password (RFB security type 2, VNC authentication), and offers no way in without one (type 1).
    expect(await vncSecurityTypes(Number(vnc![2]))).toEqual([2]);
    screenFile = /screen: (\/\S+screen\.png)/.exec(stdout)![1]!;
    expect(stdout).toMatch(/Ctrl-\] \(or the end of input/);

    const ours = qemuPidsUnder(child.pid!);
    expect(ours).toHaveLength(1);
    // The VNC server listens on the loopback interface only (/proc/net/tcp: 0100007F is 127.0.0.1).
    const port = Number(vnc![2]).toString(16).toUpperCase().padStart(4, '0');
    const listening = readFileSync('/proc/net/tcp', 'utf8').split('\n').filter((l) => l.includes(`:${port} `) && / 0A /.test(l));
    expect(listening.map((l) => l.trim().split(/\s+/)[1])).toEqual([`0100007F:${port}`]);
    const workDir = dirname(qemuSerialFifoBase(ours[0]!));
    expect(existsSync(workDir)).toBe(true);
    expect(command).not.toContain(workDir);
    // Typed input reaches the guest's serial port without ending the session; a second later the screen file is fresh.
    child.stdin!.write('\r');
    await sleep(1500);
    expect(existsSync(screenFile)).toBe(true);
    expect(child.exitCode).toBeNull();
    // The prompt: a PS/2 move on the live machine, then GRUB's title saved as a region golden.
    child.stdin!.write('\x14move 100 50\r\x14pointer\r\x14region title 0 0 720 32\r');
    await poll('the region golden saved', () => cli.stdout().includes('golden title created'), { timeoutMs: 20_000 });
    expect(cli.stdout()).toContain('bootgate> pointer\r\npointer 100,50\r\n');
    const golden = await new GoldenStore(join(work, 'golden-screens'), 'never', 'qemu', 'none').load('title');
    const [spec] = regionSpecs([golden]);
    expect(spec).toEqual({ areas: [{ x: 0, y: 0, width: 720, height: 32 }], excludes: [] });
    expect(new RegionMatcher(golden.image!, spec!).match(await readPng(screenFile)).match).toBe(true);

    child.stdin!.end();
    await poll('exit within seconds of the end of input', () => child.exitCode !== null || child.signalCode !== null, { timeoutMs: 10_000 });
    const stopped = await cli.exited;
    expect(stopped.stderr).toBe('');
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toMatch(/--- end of input; stopping the machine ---/);
    expect(stopped.stdout).toMatch(/machine stopped and its files removed/);
    expect(ours.filter(alive)).toEqual([]);
    expect(existsSync(workDir)).toBe(false);
    expect(readJobs(report)[0]!.outcome).toBe('failed');
  });

  it('prints a command line that, run by itself, boots the same image to the same screen', async () => {
    expect(command).not.toBe('');
    // As printed, in a fresh shell with nothing of bootgate's around (repro's folder is gone by now).
    const qemu = spawn('sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: process.env['PATH'] } });
    let serial = '';
    qemu.stdout!.on('data', (d) => (serial += d));
    let workDir: string | undefined;
    try {
      const pid = await poll('QEMU started by the command', () => qemuPidsUnder(qemu.pid!)[0], { timeoutMs: 15_000, everyMs: 100 });
      workDir = dirname(qemuSerialFifoBase(pid));
      const qmpSocket = join(workDir, 'qmp.sock');
      const qmp = await poll('the QMP socket', () => QmpClient.connect(qmpSocket, { timeoutMs: 10_000 }).catch(() => undefined), { timeoutMs: 15_000, everyMs: 200 });
      const expected = await readPng(screenFile);
      // Not a vacuous match: repro's screen is GRUB's menu, not a blank frame.
      expect(new Set(new Uint32Array(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength / 4)).size).toBeGreaterThan(1);
      const shot = join(work, 'standalone.png');
      await poll(
        'the same screen as repro showed',
        async () => {
          await qmp.execute('screendump', { filename: shot, format: 'png' });
          return sameFrame(await readPng(shot), expected, COUNTDOWN);
        },
        { timeoutMs: 30_000, everyMs: 300 },
      );
      await qmp.execute('quit').catch(() => undefined);
      qmp.close();
    } finally {
      try {
        process.kill(-qemu.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    }
  });

  it('runs a session from a command file: snaps an area to GRUB\'s highlight bar, types at its prompt and records that screen with two areas', async () => {
    const scenario = join(work, 'scripted.yaml');
    writeFileSync(scenario, `image: {cdrom: ${GRUB_CD}}\nbackends: [qemu]\nsteps:\n  - waitText: "GNU GRUB"\n`);
    const commands = join(work, 'commands.txt');
    // Down moves the highlight to the second entry (y 80–95); `c` opens GRUB's command line and `ls` lists its devices (y 128–159).
    writeFileSync(commands, '# GRUB draws its title before the menu takes keys\nwait 1s\npress down\nwait 500ms\nregion second at 300 88\n# the command line\npress c\nwait 1s\ntype ls\npress enter\nwait 1s\nregion listing 0 128 720 32\nregion listing add 200 8 320 24\n');
    const report = join(work, 'scripted-report');
    const cli = startCli(['repro', scenario, '--until', '1', '--report-dir', report, '--update-goldens=missing', '--commands', commands], { stdin: 'ignore', timeoutMs: 90_000, env: { CI: '0' } });
    const ours = await poll('its QEMU', () => (qemuPidsUnder(cli.child.pid!).length ? qemuPidsUnder(cli.child.pid!) : undefined), { timeoutMs: 30_000, everyMs: 100 });
    const done = await cli.exited;
    expect(done.stderr).toBe('');
    expect(ours.filter(alive)).toEqual([]);
    expect(done.stdout).toContain('--- 11 commands from');
    // The bar, 2 px around: GRUB draws it from column 2 to 78 of its 80, on text rows of 16 px.
    expect(done.stdout).toMatch(/golden second created: .*\n  areas in .*: 68\d×20 at 1\d,78 \(snapped to the edges around the point\)/);
    expect(done.stdout).toContain('bootgate> type ls\ntyped "ls"\n');
    expect(done.stdout).toMatch(/golden listing created: .*listing\.qemu\.png/);
    expect(done.stdout).toMatch(/--- end of the commands; stopping the machine ---/);
    expect(done.code).toBe(0);
    const second = await new GoldenStore(join(work, 'golden-screens'), 'scripted', 'qemu', 'none').load('second');
    const menu = await readPng(join(dirname(dirname(import.meta.dirname)), 'golden-screens/grub-rescue-cd/menu.png'));
    // The repository's menu golden has the first entry highlighted, not the second.
    expect(new RegionMatcher(second.image!, regionSpecs([second])[0]!).match(menu).match).toBe(false);
    const golden = await new GoldenStore(join(work, 'golden-screens'), 'scripted', 'qemu', 'none').load('listing');
    const [spec] = regionSpecs([golden]);
    expect(spec!.areas).toHaveLength(2);
    // What the commands typed is on it: GRUB's menu (the screen before them) does not match its first area.
    expect(new RegionMatcher(golden.image!, { areas: [spec!.areas[0]!], excludes: [] }).match(menu).match).toBe(false);
    expect(new RegionMatcher(golden.image!, spec!).match(golden.image!).match).toBe(true);
  });
});

