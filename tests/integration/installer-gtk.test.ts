/**
 * The bundled graphical-installer scenario through the CLI, as `npm start` runs it: Debian's gtk
 * installer reaches "Select a language", the click goes to the Continue button where the region
 * golden found it, and "Select your location" follows. v86 has no USB tablet, so its job is skipped.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYamlFile } from '../../harness/config/yaml-file.js';
import { regionSpecSchema } from '../../harness/screen/region-golden.js';
import { readJobs, ROOT, runCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-installer-gtk-');
const SCENARIO = join(ROOT, 'scenarios/debian-installer/installer-gtk.yaml');
const language = readYamlFile(join(ROOT, 'golden-screens/installer-gtk/select-language.qemu.regions.yaml'), regionSpecSchema);

describe('Debian graphical installer scenario', () => {
  it('clicks Continue where the region golden found it and reaches the next screen on QEMU; v86 skips it for its pointer', { timeout: 480_000 }, async () => {
    const report = join(work, 'report');
    const run = await runCli(['run', SCENARIO, '--report-dir', report]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const jobs = Object.fromEntries(readJobs(report).map((j) => [j.backend, j]));
    expect(jobs.v86!.outcome).toBe('skipped');
    expect(jobs.v86!.error!.message).toMatch(/pointer: v86 has no USB controller/);

    const qemu = jobs.qemu!;
    expect(qemu.outcome).toBe('passed');
    const [wait, click, next] = qemu.phases.flatMap((p) => p.steps);
    expect(wait!.matched).toBe('select-language');
    expect(wait!.region!.frame).toEqual({ width: 1280, height: 800 });
    // QEMU draws the same pixels every run: each area is found where it was recorded.
    expect(wait!.region!.areas.map(({ x, y, found }) => ({ x, y, found }))).toEqual(language.areas.map(({ x, y }) => ({ x, y, found: true })));
    const button = language.areas.find((a) => a.clickPoint)!;
    const found = click!.region!.areas[language.areas.indexOf(button)]!;
    const target = { x: found.x + button.clickPoint!.x, y: found.y + button.clickPoint!.y };
    expect(click!.region!.click).toEqual(target);
    expect(click!.pointer).toEqual(target);
    expect(next!.matched).toBe('select-location');
    expect(next!.region!.areas.every((a) => a.found)).toBe(true);
  });
});
