/**
 * The bundled graphical-installer scenario through the CLI, as `npm start` runs it: Debian's gtk
 * installer reaches "Select a language", the click goes to the Continue button where the region
 * golden found it, and "Select your location" follows. On QEMU with a USB tablet and with the
 * PS/2 mouse (which the installer's libinput accelerates: bootgate lands it from the cursor it
 * sees). The scenario's v86 job (its vmmouse, at the 800×600 vga=788 asks for) runs in `npm
 * start`, not here: the installer takes v86 3-7 minutes on a shared 2-core host; v86's video mode
 * and its pointer under X are proven in v86-machine.test.ts and preset-mini-desktop-setup.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYamlFile } from '../../harness/config/yaml-file.js';
import { regionSpecSchema } from '../../harness/screen/region-golden.js';
import { readJobs, ROOT, runCli } from '../support/run-cli.js';
import { tempDirForAll } from '../support/temp-dir.js';

const work = tempDirForAll('bootgate-installer-gtk-');
const SCENARIO = join(ROOT, 'scenarios/debian-installer/installer-gtk.yaml');
const language = (backend: string) => readYamlFile(join(ROOT, `golden-screens/installer-gtk/select-language.${backend}.regions.yaml`), regionSpecSchema);
const FRAME = { qemu: { width: 1280, height: 800 }, v86: { width: 800, height: 600 } };

describe('Debian graphical installer scenario', () => {
  it('clicks Continue where the region golden found it and reaches the next screen: QEMU with a tablet and with an accelerated PS/2 mouse', { timeout: 600_000 }, async () => {
    const report = join(work, 'report');
    const run = await runCli(['run', SCENARIO, '--backend', 'qemu', '--report-dir', report]);
    expect(run.stderr).toBe('');
    const jobs = Object.fromEntries(readJobs(report).map((j) => [`${j.backend} ${j.profile}`, j]));
    expect(Object.keys(jobs).sort()).toEqual(['qemu p3-i440fx', 'qemu p3-i440fx-tablet', 'qemu p3-i440fx-vmmouse']);
    expect(jobs['qemu p3-i440fx-vmmouse']!.outcome).toBe('skipped');
    expect(jobs['qemu p3-i440fx-vmmouse']!.error!.message).toMatch(/exclude: Linux binds the vmmouse only on a VMware hypervisor/);

    for (const id of ['qemu p3-i440fx-tablet', 'qemu p3-i440fx']) {
      const job = jobs[id]!;
      const backend = job.backend as 'qemu' | 'v86';
      expect(job.outcome, `${id}: ${job.error?.message}`).toBe('passed');
      const [wait, click, next] = job.phases.flatMap((p) => p.steps);
      expect(wait!.matched).toBe('select-language');
      expect(wait!.region!.frame, id).toEqual(FRAME[backend]);
      // The emulators draw the same pixels every run: each area is found where it was recorded.
      const areas = language(backend).areas;
      expect(wait!.region!.areas.map(({ x, y, found }) => ({ x, y, found })), id).toEqual(areas.map(({ x, y }) => ({ x, y, found: true })));
      const button = areas.find((a) => a.clickPoint)!;
      const found = click!.region!.areas[areas.indexOf(button)]!;
      const target = { x: found.x + button.clickPoint!.x, y: found.y + button.clickPoint!.y };
      expect(click!.region!.click).toEqual(target);
      expect(click!.pointer).toEqual(target);
      // The click landed on the button: the installer went on to the next question.
      expect(next!.matched, id).toBe('select-location');
      expect(next!.region!.areas.every((a) => a.found)).toBe(true);
    }
    expect(run.code).toBe(0);
  });
});
