/**
 * mini-desktop-setup's click-through scenario (the one `bootgate gate mini-desktop-setup` runs)
 * on QEMU, on the P3 board it is gated on, with its PS/2 mouse: installs onto a blank disk,
 * clicks the wizard and the Start menu where their region goldens matched, and has X say where
 * the pointer is (`xdotool getmouselocation`, a step of the scenario). The same scenario up to
 * that step runs beside it on the same board with a USB tablet, the other device GUI checks use.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, run, type JobResult } from '../../harness/api/index.js';
import type { Step } from '../../harness/scenario/scenario.js';
import { buildPreset, type BuildResult } from '../../harness/preset/build-preset.js';
import { loadPreset, PROJECT_PRESETS } from '../../harness/preset/load-preset.js';
import { tempDirForAll } from '../support/temp-dir.js';

const presetDir = join(PROJECT_PRESETS, 'mini-desktop-setup');
const { preset } = loadPreset(presetDir);
const work = tempDirForAll('bootgate-desktop-setup-');
const POINTER_CHECK = 'pointer where asked';

let image: BuildResult;
beforeAll(async () => {
  image = await buildPreset(presetDir);
}, 900_000);

describe('mini-desktop-setup on QEMU', () => {
  it('is an ISO within its image budget', () => {
    expect(image.sizeBytes).toBeLessThanOrEqual(preset.budgets.imageMiB * 1024 * 1024);
  });

  it('installs, clicks through the wizard and opens a terminal from the Start menu (ps2); X puts the pointer on the pixel asked for (ps2, usb-tablet)', async () => {
    const scenario = loadScenario(join(presetDir, 'scenarios/mini-desktop-setup-clicks.yaml'));
    // The scenario's step that has X say where the pointer is, after moving it to 400,300.
    const isPointerCheck = (s: Step) => s.name === POINTER_CHECK;
    const throughPointerCheck = {
      ...scenario,
      profiles: ['p3-i440fx-tablet'],
      phases: scenario.phases
        .slice(0, scenario.phases.findIndex((p) => p.steps.some(isPointerCheck)) + 1)
        .map((p) => ({ ...p, steps: p.steps.slice(0, p.steps.findIndex(isPointerCheck) + 1 || undefined) })),
    };
    const ps2 = { ...scenario, profiles: ['p3-i440fx'] };
    const { run: result } = await run([ps2, throughPointerCheck], { reportDir: join(work, 'report'), ci: true, jobs: 2, write: () => {} });

    const byProfile = Object.fromEntries(result.jobs.map((j) => [j.profile, j])) as Record<string, JobResult>;
    for (const profile of ['p3-i440fx', 'p3-i440fx-tablet']) {
      const job = byProfile[profile]!;
      expect(job.outcome, `${profile}: ${job.error?.message}`).toBe('passed');
      expect(job.phases.flatMap((p) => p.steps).find((s) => s.description === POINTER_CHECK)?.outcome).toBe('passed');
    }
    // Every click went where its golden matched, and every area of it was found.
    const clicks = byProfile['p3-i440fx']!.phases.flatMap((p) => p.steps).filter((s) => s.kind === 'click');
    expect(clicks.map((s) => s.region?.golden)).toEqual(['wizard-1', 'wizard-2', 'wizard-3', 'desktop', 'menu']);
    for (const click of clicks) {
      expect(click.region!.areas.every((a) => a.found), click.description).toBe(true);
      expect(click.pointer).toEqual(click.region!.click);
    }
    expect(byProfile['p3-i440fx']!.phases.map((p) => [p.name, p.outcome])).toEqual([['setup', 'passed'], ['boot', 'passed'], ['wizard', 'passed'], ['shell', 'passed']]);
  }, 900_000);
});
