/**
 * bin/bootgate, the launcher: it starts the CLI from the startup snapshot only when the snapshot
 * fits (this node binary, this bundle, no newer bundle, no NODE_OPTIONS), and otherwise hands
 * over to bin/bootgate.js. Each case runs a copy of the launcher in a folder laid out like the
 * project, with the real snapshot and bundle linked in and a stand-in bin/bootgate.js that says
 * it ran, so which way the launcher went is seen, not guessed. Needs dist/ (npm test builds it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'dist/bundle/main.cjs');
const SNAPSHOT = join(ROOT, 'dist/bundle/main.snapshot');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const STAND_IN = "process.stdout.write(`bin/bootgate.js ${process.execArgv.join(' ')} ${process.argv.slice(2).join(' ')}`);\n";

let project: string;
let key: string;
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'bootgate-launcher-'));
  mkdirSync(join(project, 'bin'));
  mkdirSync(join(project, 'dist/bundle'), { recursive: true });
  copyFileSync(join(ROOT, 'bin/bootgate'), join(project, 'bin/bootgate'));
  writeFileSync(join(project, 'bin/bootgate.js'), STAND_IN);
  symlinkSync(BUNDLE, join(project, 'dist/bundle/main.cjs'));
  symlinkSync(SNAPSHOT, join(project, 'dist/bundle/main.snapshot'));
  key = join(project, 'dist/bundle/main.snapshot.key');
  copyFileSync(`${SNAPSHOT}.key`, key);
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

function launch(args: string[], env: NodeJS.ProcessEnv = {}, launcher = join(project, 'bin/bootgate')): string {
  const { NODE_OPTIONS: _, BOOTGATE_NO_SNAPSHOT: __, ...clean } = process.env;
  const run = spawnSync(launcher, args, { env: { ...clean, ...env }, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

const HANDED_OVER = '--max-semi-space-size=1 --version';

describe('bin/bootgate', () => {
  it('starts the CLI from the snapshot when it fits, and passes even --version through to bootgate', () => {
    expect(launch(['--version'])).toBe(VERSION);
  });

  it('starts from the snapshot through a symlink too, as npm links a bin', () => {
    const link = join(project, 'bootgate-link');
    symlinkSync(join(project, 'bin/bootgate'), link);
    expect(launch(['--version'], {}, link)).toBe(VERSION);
  });

  it('gives the same answers from the snapshot as bin/bootgate.js does', () => {
    const fromJs = execFileSync(process.execPath, [join(ROOT, 'bin/bootgate.js'), 'profiles'], { encoding: 'utf8' }).trim();
    expect(launch(['profiles'], {}, join(ROOT, 'bin/bootgate'))).toBe(fromJs);
  });

  it('hands over to bin/bootgate.js when the snapshot was built by another node binary', () => {
    const [bundle] = readFileSync(key, 'utf8').split('\n');
    writeFileSync(key, `${bundle}\n1:2:3:4\n`);
    expect(launch(['--version'])).toBe(`bin/bootgate.js ${HANDED_OVER}`);
  });

  it('hands over when the snapshot holds another bundle than the one beside it', () => {
    const [, node] = readFileSync(key, 'utf8').split('\n');
    writeFileSync(key, `${join(project, 'bin/bootgate.js')}\n${node}\n`);
    expect(launch(['--version'])).toBe(`bin/bootgate.js ${HANDED_OVER}`);
  });

  it('hands over when the bundle changed after the snapshot was built', () => {
    const bundle = join(project, 'dist/bundle/main.cjs');
    rmSync(bundle);
    copyFileSync(BUNDLE, bundle);
    const [, node] = readFileSync(key, 'utf8').split('\n');
    writeFileSync(key, `${bundle}\n${node}\n`);
    const later = new Date(Date.now() + 60_000);
    utimesSync(bundle, later, later);
    expect(launch(['--version'])).toBe(`bin/bootgate.js ${HANDED_OVER}`);
  });

  it('hands over when there is no key, when NODE_OPTIONS adds flags, and when BOOTGATE_NO_SNAPSHOT asks', () => {
    expect(launch(['--version'], { NODE_OPTIONS: '--no-warnings' })).toBe(`bin/bootgate.js ${HANDED_OVER}`);
    expect(launch(['--version'], { BOOTGATE_NO_SNAPSHOT: '1' })).toBe(`bin/bootgate.js ${HANDED_OVER}`);
    rmSync(key);
    expect(launch(['--version'])).toBe(`bin/bootgate.js ${HANDED_OVER}`);
  });
});
