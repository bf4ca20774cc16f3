/**
 * The text-driven installer scenario on the installer's dark theme, through the CLI on QEMU: it
 * waits for "Select a language" by OCR, clicks Continue where OCR read it, and goes on through
 * "Select your location" to "Configure the keyboard". On the same boot's frames, the region
 * goldens installer-gtk.yaml clicks with do not match: a theme change breaks the pixels, not the
 * words. (The default theme's run of the same steps is installer-gtk-text.yaml, in `npm start`;
 * one boot here keeps the suite short.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYamlFile } from '../../harness/config/yaml-file.js';
import { readPng } from '../../harness/screen/png-file.js';
import { checkRegionSpec, RegionMatcher, regionSpecSchema } from '../../harness/screen/region-golden.js';
import { readJobs, ROOT, runCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-installer-gtk-text-');
const SCENARIO = join(ROOT, 'scenarios/debian-installer/installer-gtk-text-dark.yaml');

async function regionGolden(name: string) {
  const png = join(ROOT, `golden-screens/installer-gtk/${name}.qemu.png`);
  const sidecar = join(ROOT, `golden-screens/installer-gtk/${name}.qemu.regions.yaml`);
  const image = await readPng(png);
  return { image, matcher: new RegionMatcher(image, checkRegionSpec(readYamlFile(sidecar, regionSpecSchema), image, sidecar)) };
}

describe('Debian graphical installer by its words, on the dark theme', () => {
  it('waits for and clicks Continue by text through two screens, where the region goldens of the same screens fail', { timeout: 600_000 }, async () => {
    const report = join(work, 'report');
    const run = await runCli(['run', SCENARIO, '--backend', 'qemu', '--profile', 'p3-i440fx-tablet', '--report-dir', report]);
    expect(run.stderr).toBe('');
    const [job] = readJobs(report);
    expect(job!.outcome, job!.error?.message).toBe('passed');
    const steps = job!.phases.flatMap((p) => p.steps);
    expect(steps.map((s) => s.matched)).toEqual(['Select a language', 'Continue', 'Select your location', undefined, expect.stringMatching(/^Cont.nue$/), 'Configure the keyboard']);
    // The click went to the centre of the box OCR read, on the 1280×800 frame, over the button at the bottom right.
    const click = steps[1]!;
    const box = click.region!.areas[0]!;
    expect(click.region!.frame).toEqual({ width: 1280, height: 800 });
    expect(box.x).toBeGreaterThan(1000);
    expect(box.y).toBeGreaterThan(700);
    expect(click.pointer).toEqual({ x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) });

    // The frame the click acted on: the whole language screen, dark. installer-gtk's region golden
    // of that screen (title, question, Continue) matches its own default-theme picture, not this.
    const dark = await readPng(join(report, click.artifacts[0]!));
    const language = await regionGolden('select-language');
    expect(language.matcher.match(language.image).match).toBe(true);
    const onDark = language.matcher.match(dark);
    expect(onDark.match, onDark.summary).toBe(false);
    expect(onDark.areas.some((a) => !a.found)).toBe(true);
    expect(run.code).toBe(0);
  });
});
