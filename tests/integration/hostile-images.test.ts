/**
 * Images that name host files. The crafted qcow2s are made here with qemu-img; bootgate runs
 * under `strace -f` (every process it starts: qemu-img, QEMU), so "the host file is never
 * opened" is read from the kernel's own record of open calls, with the image's own opens as the
 * control that the trace saw them. Real QEMU, GRUB-free: the guests are 1-sector boot programs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, readJobs } from '../support/run-cli.js';
import { sectorPrinterImage } from '../support/serial-guests.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-hostile-images-');
/** Stands for /etc/shadow: a host file no guest was given. */
const hostFile = join(work, 'host-secret');
writeFileSync(hostFile, 'host secret\n'.repeat(100));

function qemuImg(...args: string[]): void {
  execFileSync('qemu-img', args, { stdio: 'pipe' });
}

interface Traced {
  readonly code: number | null;
  readonly output: string;
  /** Every path any process of the run opened (open, openat, openat2), and every program it executed. */
  readonly opened: readonly string[];
  readonly executed: readonly string[];
}

/** `bootgate run` under strace -f: the CLI and everything it starts. */
function tracedRun(name: string, scenario: string, files: Record<string, string> = {}): Traced {
  const dir = join(work, name);
  execFileSync('mkdir', ['-p', dir]);
  for (const [file, from] of Object.entries(files)) execFileSync('cp', [from, join(dir, file)]);
  const yaml = join(dir, 'scenario.yaml');
  writeFileSync(yaml, scenario);
  const log = join(dir, 'strace.log');
  let code: number | null = 0;
  let output = '';
  try {
    output = execFileSync('strace', ['-f', '-qq', '-e', 'trace=open,openat,openat2,execve', '-o', log, CLI, 'run', yaml, '--report-dir', join(dir, 'report')], {
      env: { ...process.env, CI: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
  } catch (e) {
    const err = e as { status: number | null; stdout?: string; stderr?: string };
    code = err.status;
    output = `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
  const lines = readFileSync(log, 'utf8').split('\n');
  const pathOf = (l: string) => /"([^"]*)"/.exec(l)?.[1];
  return {
    code,
    output,
    opened: lines.filter((l) => /\bopen(at2?)?\(/.test(l) && !/= -1 ENOENT/.test(l)).map(pathOf).filter((p): p is string => !!p),
    executed: lines.filter((l) => /\bexecve\(/.test(l) && !/= -1 /.test(l)).map(pathOf).filter((p): p is string => !!p),
  };
}

const diskScenario = (disk: string, timeout = '20s') => ['image:', `  disk: ${disk}`, 'profile: p3-i440fx', `timeout: ${timeout}`, 'steps:', '  - waitSerial: "CHAIN OK"', ''].join('\n');

/** `name` opened by a process of the run, matched on the file name (strace shows the path as the process gave it). */
const opens = (t: Traced, file: string) => t.opened.some((p) => p === file || p.endsWith(`/${file.split('/').pop()}`));

describe('hostile disk images', () => {
  it('refuses a qcow2 whose backing file is a host file, naming both, exit 2, and nothing opens the host file', () => {
    const evil = join(work, 'evil.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-F', 'raw', '-b', hostFile, evil, '1M');
    const run = tracedRun('backing', diskScenario('evil.qcow2'), { 'evil.qcow2': evil });
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/scenario\.yaml: image\.disk: disk image \S*evil\.qcow2 names a backing file, \S*host-secret; allow one inside the scenario's folder with allowBackingFile: true/);
    expect(run.output.trim().split('\n')).toHaveLength(1);
    expect(opens(run, 'evil.qcow2'), 'the trace saw qemu-img open the image').toBe(true);
    expect(opens(run, hostFile)).toBe(false);
    expect(run.executed.some((p) => p.endsWith('qemu-system-i386'))).toBe(false);
  }, 60_000);

  it('refuses a backing chain that leaves the scenario\'s folder, even with allowBackingFile, naming the file that does', () => {
    const dir = join(work, 'chain');
    execFileSync('mkdir', ['-p', dir]);
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-F', 'raw', '-b', hostFile, join(dir, 'mid.qcow2'), '1M');
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-F', 'qcow2', '-b', 'mid.qcow2', join(dir, 'top.qcow2'), '1M');
    const run = tracedRun('chain', diskScenario('{path: top.qcow2, allowBackingFile: true}'));
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/disk image \S*top\.qcow2 names a backing file outside \S*chain, \S*host-secret \(through \S*mid\.qcow2\)/);
    expect(opens(run, 'mid.qcow2')).toBe(true);
    expect(opens(run, hostFile)).toBe(false);
  }, 60_000);

  it('refuses a qcow2 with an external data file on the host', () => {
    const dir = join(work, 'data-file');
    execFileSync('mkdir', ['-p', dir]);
    const image = join(dir, 'df.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-o', `data_file=${join(dir, 'df.data')}`, image, '1M');
    qemuImg('amend', '-f', 'qcow2', '-o', `data_file=${hostFile}`, image);
    const run = tracedRun('data-file', diskScenario('df.qcow2'));
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/disk image \S*df\.qcow2 names an external data file, \S*host-secret/);
    expect(opens(run, hostFile)).toBe(false);
  }, 60_000);

  it('goes by the bytes, not the extension: a qcow2 named .img is refused as a disk, and is raw bytes as a CD, never followed', () => {
    const liar = join(work, 'innocent.img');
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-F', 'raw', '-b', hostFile, liar, '1M');
    const asDisk = tracedRun('liar-disk', diskScenario('innocent.img'), { 'innocent.img': liar });
    expect(asDisk.code, asDisk.output).toBe(2);
    expect(asDisk.output).toMatch(/disk image \S*innocent\.img names a backing file, \S*host-secret/);
    // As a CD it boots nothing, but QEMU reads it as raw: the job fails at its timeout without touching the host file.
    const asCd = tracedRun('liar-cd', ['image: {cdrom: innocent.img}', 'profile: p3-i440fx', 'timeout: 20s', 'steps:', '  - waitSerial: "never"', '    timeout: 2s', ''].join('\n'), { 'innocent.img': liar });
    expect(asCd.code, asCd.output).toBe(1);
    expect(asCd.executed.some((p) => p.endsWith('qemu-system-i386'))).toBe(true);
    expect(opens(asCd, 'innocent.img')).toBe(true);
    expect(opens(asCd, hostFile)).toBe(false);
  }, 90_000);

  it('boots a chain the scenario allows, inside its folder, with every format named: top qcow2 → mid qcow2 → raw', () => {
    const dir = join(work, 'good-chain');
    execFileSync('mkdir', ['-p', join(dir, 'layers')]);
    writeFileSync(join(dir, 'layers/base.raw'), sectorPrinterImage(1 << 20, 'CHAIN OK'));
    qemuImg('create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', 'base.raw', join(dir, 'layers/mid.qcow2'));
    qemuImg('create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', 'layers/mid.qcow2', join(dir, 'top.qcow2'));
    const refused = tracedRun('good-chain', diskScenario('top.qcow2'));
    expect(refused.code, refused.output).toBe(2);
    const run = tracedRun('good-chain', diskScenario('{path: top.qcow2, allowBackingFile: true}'));
    expect(run.code, run.output).toBe(0);
    expect(readJobs(join(dir, 'report'))[0]?.outcome).toBe('passed');
    expect(opens(run, 'base.raw')).toBe(true);
  }, 90_000);
});
