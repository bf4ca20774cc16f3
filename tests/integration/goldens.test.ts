/**
 * Goldens as a new user meets them, on real boots of the GRUB rescue CD in QEMU: a project outside
 * the checkout records its goldens beside it and is told to review them; a screen that never
 * holds still is named with the box that moved; a from: scenario finds its origin's goldens on an
 * empty snapshot cache under CI; a mismatch is accepted from the report without booting again,
 * also on the menu that counts down and boots on, where the frame kept is the menu it was compared
 * with, not the screen at the timeout, and for a region golden, whose area is rewritten.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareScreens } from '../../harness/screen/compare-screens.js';
import { readPng, writePng } from '../../harness/screen/png-file.js';

const ROOT = join(import.meta.dirname, '../..');
const project = mkdtempSync(join(tmpdir(), 'bootgate-goldens-'));
const cache = mkdtempSync(join(tmpdir(), 'bootgate-goldens-cache-'));
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

function bootgate(args: string[], ci: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, 'bin/bootgate'), args, { cwd: project, env: { ...process.env, CI: ci ? '1' : '', BOOTGATE_CACHE: cache }, stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

type Step = { description: string; outcome: string; error?: string; moving?: object; goldens?: { name: string; status: string; file: string }[] };
function steps(report: string): Step[] {
  const run = JSON.parse(readFileSync(join(project, report, 'results.json'), 'utf8')) as { jobs: { phases: { steps: Step[] }[] }[] };
  return run.jobs.flatMap((j) => j.phases.flatMap((p) => p.steps));
}

const ISO = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const COUNTDOWN = '[{x: 0, y: 352, width: 720, height: 16}]';
/** Every file under `dir` with its content's hash. */
const hashes = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${join(e.parentPath, e.name)}:${createHash('sha256').update(readFileSync(join(e.parentPath, e.name))).digest('hex')}`)
    .sort();

describe('goldens on real boots', () => {
  it('a project outside the checkout records goldens beside it, says so, and exits 4 until they are reviewed', async () => {
    const ours = hashes(join(ROOT, 'golden-screens'));
    writeFileSync(
      join(project, 'grub.yaml'),
      `image: {cdrom: ${ISO}}\nstepTimeout: 30s\nsteps:\n  - waitText: "GNU GRUB"\n  - waitScreen: {golden: menu, masks: ${COUNTDOWN}}\n    snapshot: menu\n  - press: c\n  - waitText: {regex: "^grub> *$", flags: m}\n  - waitScreen: prompt\n`,
    );
    const first = await bootgate(['run', 'grub.yaml', '--report-dir', 'r1'], false);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/2 goldens written, review them: r1\/index.html/);
    expect(first.stdout).toMatch(/golden created: golden-screens\/grub\/prompt.qemu.png/);
    expect(first.code).toBe(4);
    // The prompt's cursor blinks in QEMU's frames; the golden was still recorded.
    expect(existsSync(join(project, 'golden-screens/grub/menu.qemu.png'))).toBe(true);
    expect(existsSync(join(project, 'golden-screens/grub/prompt.qemu.png'))).toBe(true);
    expect(readFileSync(join(project, 'r1/index.html'), 'utf8')).toContain('2 golden(s) written');
    expect(hashes(join(ROOT, 'golden-screens'))).toEqual(ours);
    const again = await bootgate(['run', 'grub.yaml', '--report-dir', 'r2'], true);
    expect(again.code).toBe(0);
  }, 120_000);

  it('a menu whose countdown is not masked never holds still: the failure names the countdown row', async () => {
    writeFileSync(join(project, 'unmasked.yaml'), `image: {cdrom: ${ISO}}\nstepTimeout: 8s\nsteps:\n  - waitText: "GNU GRUB"\n  - waitScreen: menu\n`);
    const run = await bootgate(['run', 'unmasked.yaml', '--report-dir', 'r3'], false);
    expect(run.code).toBe(1);
    const step = steps('r3')[1]!;
    expect(step.error).toMatch(/kept changing lie in \d+×\d+ at x=\d+, y=3\d\d/);
    expect(step.moving).toMatchObject({ y: expect.any(Number) });
    expect((step.moving as { y: number }).y).toBeGreaterThanOrEqual(352);
    expect(existsSync(join(project, 'golden-screens/unmasked'))).toBe(false);
  }, 60_000);

  it('from: an empty snapshot cache under CI=1, the origin steps use the origin\'s goldens', async () => {
    rmSync(cache, { recursive: true, force: true });
    writeFileSync(join(project, 'shell.yaml'), 'from: {scenario: grub.yaml, snapshot: menu}\nsteps:\n  - press: c\n  - waitText: {regex: "^grub> *$", flags: m}\n');
    const run = await bootgate(['run', 'shell.yaml', '--report-dir', 'r4'], true);
    expect(run.stdout + run.stderr).not.toMatch(/golden missing/);
    expect(run.code).toBe(0);
    expect(steps('r4').map((s) => s.outcome)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(existsSync(join(project, 'golden-screens/shell'))).toBe(false);
  }, 60_000);

  it('a mismatch is accepted from the report, and the next run passes without booting to record it', async () => {
    // A wrong golden for the prompt: the menu's picture.
    copyFileSync(join(project, 'golden-screens/grub/menu.qemu.png'), join(project, 'golden-screens/grub/prompt.qemu.png'));
    writeFileSync(join(project, 'grub.yaml'), readFileSync(join(project, 'grub.yaml'), 'utf8').replace('stepTimeout: 30s', 'stepTimeout: 10s'));
    const failed = await bootgate(['run', 'grub.yaml', '--report-dir', 'r5'], true);
    expect(failed.code).toBe(1);
    expect(steps('r5').at(-1)!.goldens).toEqual([expect.objectContaining({ name: 'prompt', status: 'mismatch' })]);
    const accept = await bootgate(['accept', 'r5', '--step', 'prompt'], true);
    expect(accept.stdout).toMatch(/accepted prompt \(grub--qemu--p3-i440fx\): golden-screens\/grub\/prompt.qemu.png/);
    expect(accept.code).toBe(0);
    const passed = await bootgate(['run', 'grub.yaml', '--report-dir', 'r6'], true);
    expect(passed.code).toBe(0);
  }, 120_000);

  it('on a menu that counts down and boots on, accept takes the menu it was compared with, not the screen at the timeout', async () => {
    // The menu golden with a red box painted on it: an intended change to accept.
    const menu = await readPng(join(ROOT, 'golden-screens/grub-rescue-cd/menu.png'));
    const changed = { ...menu, data: new Uint8Array(menu.data) };
    for (let y = 100; y < 140; y++) for (let x = 300; x < 420; x++) changed.data.set([255, 0, 0, 255], (y * menu.width + x) * 4);
    await writePng(join(project, 'golden-screens/countdown/menu.qemu.png'), changed);
    // GRUB boots its default entry 30 s after the menu appears; the wait outlasts it.
    writeFileSync(join(project, 'countdown.yaml'), `image: {cdrom: ${ISO}}\nbackends: [qemu]\nsteps:\n  - waitText: "GNU GRUB"\n  - waitScreen: {golden: menu, masks: ${COUNTDOWN}}\n    timeout: 36s\n`);
    const failed = await bootgate(['run', 'countdown.yaml', '--report-dir', 'r7'], true);
    expect(failed.code).toBe(1);
    const step = steps('r7')[1]!;
    expect(step.error).toMatch(/4800 pixels differ .*; the screen moved on after the closest frame/);
    const accept = await bootgate(['accept', 'r7'], true);
    expect(accept.code).toBe(0);
    const accepted = await readPng(join(project, 'golden-screens/countdown/menu.qemu.png'));
    // The menu, as the repository's golden has it: the next run's wait matches it (no boot needed to tell).
    expect(compareScreens(menu, accepted, { threshold: 0.1, masks: [{ x: 0, y: 352, width: 720, height: 16 }] }).match).toBe(true);
    const last = await readPng(join(project, 'r7', (step as Step & { goldens: { last: string }[] }).goldens[0]!.last));
    expect(compareScreens(menu, last, { threshold: 0.1, masks: [{ x: 0, y: 352, width: 720, height: 16 }] }).match).toBe(false);
  }, 90_000);

  it('a region golden that no longer matches is accepted too: its area takes the pixels from where it was found', async () => {
    // A region golden of the highlighted entry, with a red box painted over its left third.
    const menu = await readPng(join(ROOT, 'golden-screens/grub-rescue-cd/menu.png'));
    const area = { x: 16, y: 64, width: 690, height: 16 };
    const changed = { ...menu, data: new Uint8Array(menu.data) };
    for (let y = area.y; y < area.y + area.height; y++) for (let x = area.x; x < area.x + 230; x++) changed.data.set([255, 0, 0, 255], (y * menu.width + x) * 4);
    await writePng(join(project, 'golden-screens/entry/entry.qemu.png'), changed);
    writeFileSync(join(project, 'golden-screens/entry/entry.qemu.regions.yaml'), `areas:\n  - { x: ${area.x}, y: ${area.y}, width: ${area.width}, height: ${area.height} }\n`);
    writeFileSync(join(project, 'entry.yaml'), `image: {cdrom: ${ISO}}\nbackends: [qemu]\nsteps:\n  - waitText: "GNU GRUB"\n  - waitScreen: entry\n    timeout: 8s\n`);
    const failed = await bootgate(['run', 'entry.yaml', '--report-dir', 'r8'], true);
    expect(failed.code).toBe(1);
    const step = steps('r8')[1]!;
    expect(step.goldens).toEqual([expect.objectContaining({ name: 'entry', status: 'mismatch' })]);
    const accept = await bootgate(['accept', 'r8', '--step', 'entry'], true);
    expect(accept.stdout).toMatch(/accepted entry/);
    expect(accept.code).toBe(0);
    const accepted = await readPng(join(project, 'golden-screens/entry/entry.qemu.png'));
    const outside = [
      { x: 0, y: 0, width: 720, height: area.y },
      { x: 0, y: area.y + area.height, width: 720, height: 400 - area.y - area.height },
      { x: 0, y: area.y, width: area.x, height: area.height },
      { x: area.x + area.width, y: area.y, width: 720 - area.x - area.width, height: area.height },
    ];
    // The area now shows the menu as GRUB draws it; the rest of the golden is left as it was.
    expect(compareScreens(menu, accepted, { threshold: 0.1, masks: outside }).diffPixels).toBe(0);
    expect(compareScreens(changed, accepted, { threshold: 0.1, masks: [area] }).diffPixels).toBe(0);
    expect(readFileSync(join(project, 'golden-screens/entry/entry.qemu.regions.yaml'), 'utf8')).toContain('width: 690');
  }, 90_000);
});

