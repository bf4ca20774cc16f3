import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptCommand } from '../../harness/cli/accept-command.js';
import { unusedGoldens } from '../../harness/cli/goldens-command.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { writeResults } from '../../harness/report/json-reporter.js';
import { SnapshotCache } from '../../harness/run/snapshot-cache.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { readPng, writePng } from '../../harness/screen/png-file.js';
import { PROJECT_ROOT } from '../../harness/util/project-root.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

function frame(g: number): RawImage {
  const data = new Uint8Array(16 * 8 * 4);
  for (let i = 0; i < data.length; i += 4) data.set([0, g, 170, 255], i);
  data.set([255, 255, 255, 255], 0);
  return { width: 16, height: 8, data };
}
const [MENU, OTHER] = [frame(0), frame(90)];

let project: TempProject;
const cleanup: string[] = [];
afterEach(() => {
  project?.remove();
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const SCENARIO = 'image: {cdrom: ../disk.img}\nstepTimeout: 1500ms\nsteps:\n  - waitScreen: {golden: menu, settle: 200ms}\n';

describe('reviewing and accepting goldens', () => {
  it('accept copies the actual frame of a mismatch into the golden file, filtered by job and step', async () => {
    project = new TempProject();
    const golden = project.path('golden-screens/fake/menu.qemu.png');
    await writePng(golden, MENU);
    const { results, reportDir } = await runFake(project, SCENARIO, { timeline: [{ at: 0, frame: OTHER }] });
    cleanup.push(reportDir);
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.phases[0]!.steps[0]!.goldens).toEqual([expect.objectContaining({ name: 'menu', status: 'mismatch', file: golden })]);
    writeResults(buildRunResult(results, new Date(), 1, { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 }), join(reportDir, 'results.json'));

    expect(() => acceptCommand(reportDir, { step: '2' }, () => undefined)).toThrow(/nothing to accept/);
    expect(() => acceptCommand(reportDir, { grep: 'v86' }, () => undefined)).toThrow(/nothing to accept/);
    expect((await readPng(golden)).data).toEqual(MENU.data);
    const lines: string[] = [];
    expect(acceptCommand(reportDir, { grep: 'fake--qemu', step: 'menu' }, (l) => lines.push(l))).toBe(0);
    expect((await readPng(golden)).data).toEqual(OTHER.data);
    expect(lines.at(-1)).toBe('1 golden accepted');
    // Accepted: the same scenario passes now, without an update mode.
    expect((await runFake(project, SCENARIO, { timeline: [{ at: 0, frame: OTHER }] })).results[0]!.outcome).toBe('passed');
  });

  it('accept takes the frame of a golden missing under CI, and changes nothing when a frame is gone', async () => {
    project = new TempProject();
    const { results, reportDir } = await runFake(project, SCENARIO, { timeline: [{ at: 0, frame: MENU }] }, { updateMode: 'none' });
    cleanup.push(reportDir);
    const record = results[0]!.phases[0]!.steps[0]!.goldens![0]!;
    expect(record.status).toBe('missing');
    writeResults(buildRunResult(results, new Date(), 1, { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 }), join(reportDir, 'results.json'));
    rmSync(join(reportDir, record.actual));
    expect(() => acceptCommand(reportDir, {}, () => undefined)).toThrow(/is gone from the report/);
    expect(existsSync(record.file)).toBe(false);
  });

  it('accept refuses a results.json that points its frames or goldens elsewhere, and writes nothing', async () => {
    project = new TempProject();
    const { results, reportDir } = await runFake(project, SCENARIO, { timeline: [{ at: 0, frame: MENU }] }, { updateMode: 'none' });
    cleanup.push(reportDir);
    const file = join(reportDir, 'results.json');
    const outside = project.path('elsewhere/notes.txt');
    project.write('elsewhere/notes.txt', 'mine');
    const tampered = (change: (record: Record<string, string>) => void) => {
      const run = buildRunResult(results, new Date(), 1, { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 });
      change(run.jobs[0]!.phases[0]!.steps[0]!.goldens![0]! as unknown as Record<string, string>);
      writeResults(run, file);
    };
    tampered((r) => (r.file = outside));
    expect(() => acceptCommand(reportDir, {}, () => undefined)).toThrow(/goldens\.file|not where a golden named "menu" is kept/);
    tampered((r) => (r.actual = '../../elsewhere/notes.txt'));
    expect(() => acceptCommand(reportDir, {}, () => undefined)).toThrow(/would lead outside/);
    expect(readFileSync(outside, 'utf8')).toBe('mine');
  });

  it('a from: scenario looks for its origin steps\' goldens in the origin\'s folder, also on an empty snapshot cache', async () => {
    project = new TempProject();
    const cache = mkdtempSync(join(tmpdir(), 'bootgate-snapshots-'));
    cleanup.push(cache);
    project.write('origin/origin.yaml', 'image: {cdrom: ../disk.img}\nstepTimeout: 1500ms\nsteps:\n  - waitScreen: menu\n    snapshot: menu\n');
    await writePng(project.path('origin/golden-screens/origin/menu.qemu.png'), MENU);
    const yaml = 'from: {scenario: ../origin/origin.yaml, snapshot: menu}\nsteps:\n  - waitScreen: {golden: after, settle: 200ms}\n';
    const { results, reportDir } = await runFake(project, yaml, { timeline: [{ at: 0, frame: MENU }] }, { updateMode: 'none', snapshots: new SnapshotCache(cache) });
    cleanup.push(reportDir);
    const [origin, own] = results[0]!.phases.flatMap((p) => p.steps);
    expect(origin!.outcome).toBe('passed');
    expect(own!.error).toMatch(/golden missing/);
    expect(own!.goldens![0]!.file).toBe(project.path('golden-screens/fake/after.qemu.png'));
  });

  it('a scenario outside the checkout keeps its goldens in its own project, never in bootgate\'s', () => {
    const outside = mkdtempSync(join(tmpdir(), 'bootgate-outside-'));
    cleanup.push(outside);
    mkdirSync(join(outside, 'app/tests'), { recursive: true });
    writeFileSync(join(outside, 'app/package.json'), '{}');
    writeFileSync(join(outside, 'app/tests/boot.yaml'), 'image: {cdrom: /dev/null}\nsteps: [{waitScreen: menu}]\n');
    writeFileSync(join(outside, 'alone.yaml'), 'image: {cdrom: /dev/null}\nsteps: [{waitScreen: menu}]\n');
    expect(loadScenario(join(outside, 'app/tests/boot.yaml')).goldenDir).toBe(join(outside, 'app/golden-screens'));
    expect(loadScenario(join(outside, 'alone.yaml')).goldenDir).toBe(join(outside, 'golden-screens'));
    expect(loadScenario(join(PROJECT_ROOT, 'scenarios/grub-rescue/grub-rescue-cd.yaml')).goldenDir).toBe(join(PROJECT_ROOT, 'golden-screens'));
  });

  it('goldens --unused lists the golden files no step compares with', async () => {
    project = new TempProject();
    const file = project.write('scenarios/fake.yaml', SCENARIO);
    await writePng(project.path('golden-screens/fake/menu.png'), MENU);
    await writePng(project.path('golden-screens/fake/menu.v86.png'), MENU);
    await writePng(project.path('golden-screens/fake/old.qemu.png'), MENU);
    await writePng(project.path('golden-screens/gone/menu.png'), MENU);
    expect(unusedGoldens([loadScenario(file)])).toEqual([project.path('golden-screens/fake/old.qemu.png'), project.path('golden-screens/gone/menu.png')]);
    expect(readFileSync(project.path('golden-screens/fake/menu.png')).length).toBeGreaterThan(0);
  });
});
