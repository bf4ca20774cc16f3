/**
 * mini-desktop-setup's gate scenario (what `bootgate gate mini-desktop-setup` runs, one job per
 * board and backend) on the P3 board it is gated on, with its PS/2 mouse, on QEMU and on v86:
 * installs onto a blank disk, clicks the wizard and the Start menu where their region goldens matched, and has X say
 * where the pointer is (`xdotool getmouselocation`, steps of the scenario) at three points far
 * from the centre, where X starts it. The same scenario up to those checks runs on the same board
 * with each emulator's absolute pointer: a USB tablet on QEMU, the vmmouse on v86.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type JobResult } from '../../harness/api/index.js';
import { gateScenario } from '../../harness/preset/gate-scenario.js';
import type { Step } from '../../harness/scenario/scenario.js';
import { buildPreset, type BuildResult } from '../../harness/preset/build-preset.js';
import { loadPreset, PROJECT_PRESETS } from '../../harness/preset/load-preset.js';
import { tempDirForAll } from '../support/temp-dir.js';

const presetDir = join(PROJECT_PRESETS, 'mini-desktop-setup');
const loaded = loadPreset(presetDir);
const { preset } = loaded;
const work = tempDirForAll('bootgate-desktop-setup-');
const POINTER_CHECK = 'pointer where asked';

let image: BuildResult;
beforeAll(async () => {
  image = await buildPreset(presetDir);
}, 900_000);

const POINTER_CHECKS = [POINTER_CHECK, `${POINTER_CHECK}, top right`, `${POINTER_CHECK}, bottom left`];

describe('mini-desktop-setup', () => {
  it('is an ISO within its image budget', () => {
    expect(image.sizeBytes).toBeLessThanOrEqual(preset.budgets.imageMiB * 1024 * 1024);
  });

  it('installs, clicks through the wizard and opens a terminal from the Start menu (ps2, QEMU and v86); X puts the pointer on the pixels asked for (ps2, usb-tablet, vmmouse)', async () => {
    const scenario = gateScenario(loaded);
    const lastCheck = (s: Step) => s.name === POINTER_CHECKS.at(-1);
    const throughPointerChecks = (profile: string, backend: 'qemu' | 'v86') => ({
      ...scenario,
      profiles: [profile],
      backends: [backend],
      phases: scenario.phases
        .slice(0, scenario.phases.findIndex((p) => p.steps.some(lastCheck)) + 1)
        .map((p) => ({ ...p, steps: p.steps.slice(0, p.steps.findIndex(lastCheck) + 1 || undefined) })),
    });
    const ps2 = { ...scenario, profiles: ['p3-i440fx'], backends: ['qemu', 'v86'] as const };
    const scenarios = [ps2, throughPointerChecks('p3-i440fx-tablet', 'qemu'), throughPointerChecks('p3-i440fx-vmmouse', 'v86')];
    const { run: result } = await run(scenarios, { reportDir: join(work, 'report'), ci: true, jobs: 2, write: () => {} });

    const byJob = Object.fromEntries(result.jobs.map((j) => [`${j.backend} ${j.profile}`, j])) as Record<string, JobResult>;
    expect(Object.keys(byJob).sort()).toEqual(['qemu p3-i440fx', 'qemu p3-i440fx-tablet', 'v86 p3-i440fx', 'v86 p3-i440fx-vmmouse']);
    for (const [name, job] of Object.entries(byJob)) {
      expect(job.outcome, `${name}: ${job.error?.message}`).toBe('passed');
      const steps = job.phases.flatMap((p) => p.steps);
      for (const check of POINTER_CHECKS) expect(steps.find((s) => s.description === check)?.outcome, `${name}: ${check}`).toBe('passed');
    }
    for (const backend of ['qemu', 'v86']) {
      const job = byJob[`${backend} p3-i440fx`]!;
      // Every click went where its golden matched, and every area of it was found.
      const clicks = job.phases.flatMap((p) => p.steps).filter((s) => s.kind === 'click');
      expect(clicks.map((s) => s.region?.golden)).toEqual(['wizard-1', 'wizard-2', 'wizard-3', 'desktop', 'menu']);
      for (const click of clicks) {
        expect(click.region!.areas.every((a) => a.found), `${backend}: ${click.description}`).toBe(true);
        expect(click.pointer).toEqual(click.region!.click);
      }
      expect(job.phases.map((p) => [p.name, p.outcome])).toEqual([['setup', 'passed'], ['boot', 'passed'], ['wizard', 'passed'], ['shell', 'passed']]);
    }
  }, 1_200_000);
});
