/**
 * Goldens reviewed and accepted by the frame that was compared: a region golden's miss leaves the
 * same record, frames and diff as a whole screen's, and `accept` takes it; a screen that moves on
 * by itself after its closest frame is accepted as it was then, not as it was at the timeout; a
 * frame of another size says so; the pointer's cursor is left out of the comparison.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptCommand } from '../../harness/cli/accept-command.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { writeResults } from '../../harness/report/json-reporter.js';
import { readPng, writePng } from '../../harness/screen/png-file.js';
import type { FakeRun } from '../support/fake-jobs.js';
import { runFake } from '../support/fake-jobs.js';
import { copyImage, desktop, drawButton, fillRect } from '../support/region-frames.js';
import { TempProject } from '../support/temp-project.js';

const SCENARIO = 'image: {cdrom: ../disk.img}\nstepTimeout: 800ms\nsteps:\n';
const BASE = desktop(320, 240);
const withButton = (x: number, y: number, seed = 7): RawImage => {
  const img = copyImage(BASE);
  drawButton(img, x, y, seed);
  return img;
};
const AREA = 'areas:\n  - { x: 100, y: 100, width: 120, height: 40, margin: 30 }\n';

let project: TempProject;
const reports: string[] = [];
afterEach(() => {
  project?.remove();
  for (const dir of reports.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function saveResults(run: FakeRun): void {
  reports.push(run.reportDir);
  writeResults(buildRunResult(run.results, new Date(), 1, { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 }), join(run.reportDir, 'results.json'));
}

describe('region goldens are reviewed and accepted like whole screens', () => {
  it('a miss records the golden, draws the search windows and best candidates, and accept rewrites the areas from where they were found', async () => {
    project = new TempProject();
    const golden = project.path('golden-screens/fake/button.png');
    await writePng(golden, withButton(100, 100));
    project.write('golden-screens/fake/button.regions.yaml', AREA);
    // The button's label changed, and it moved by 10 px: found nowhere at 0.96.
    const changed = withButton(110, 104, 99);
    for (const step of ['waitScreen: button', 'click: button']) {
      const run = await runFake(project, `${SCENARIO}  - ${step}\n`, { timeline: [{ at: 0, frame: changed }] });
      saveResults(run);
      const record = run.results[0]!.phases[0]!.steps[0]!.goldens![0]!;
      expect(record).toMatchObject({ name: 'button', status: 'mismatch', file: project.path('golden-screens/fake/button.qemu.png') });
      expect(record.areas).toMatch(/-areas\.png$/);
      const diff = await readPng(join(run.reportDir, record.diff!));
      // The search window (the area ± 30 px) in blue, just outside its top-left corner.
      expect([...diff.data.subarray((69 * 320 + 69) * 4, (69 * 320 + 69) * 4 + 4)]).toEqual([0x30, 0x60, 0xff, 0xff]);
      // Where the best candidate was, in red: not found.
      const best = run.results[0]!.error!.message.match(/best candidate at (\d+),(\d+)/)!.slice(1).map(Number) as [number, number];
      expect([...diff.data.subarray(((best[1] - 1) * 320 + best[0] - 1) * 4, ((best[1] - 1) * 320 + best[0] - 1) * 4 + 4)]).toEqual([0xff, 0x00, 0x00, 0xff]);
    }
    expect(acceptCommand(reports[1]!, { step: 'button' }, () => undefined)).toBe(0);
    // An area found nowhere takes the frame's pixels where it was recorded (the best candidate of a
    // miss may be anything); the areas stay where recorded, and the same screen passes now.
    const accepted = await readPng(project.path('golden-screens/fake/button.qemu.png'));
    expect(accepted.width).toBe(320);
    const again = await runFake(project, `${SCENARIO}  - click: button\n`, { timeline: [{ at: 0, frame: changed }] });
    expect(again.results[0]!.outcome).toBe('passed');
    expect(again.machines[0]!.pointer[0]).toEqual({ kind: 'move', x: 160, y: 120 });
  });

  it('accept --whole-frame takes the frame itself', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/button.png'), withButton(100, 100));
    project.write('golden-screens/fake/button.regions.yaml', AREA);
    const changed = withButton(100, 100, 99);
    const run = await runFake(project, `${SCENARIO}  - waitScreen: button\n`, { timeline: [{ at: 0, frame: changed }] });
    saveResults(run);
    expect(acceptCommand(run.reportDir, { wholeFrame: true }, () => undefined)).toBe(0);
    expect((await readPng(project.path('golden-screens/fake/button.qemu.png'))).data).toEqual(changed.data);
  });
});

describe('the frame compared is the frame reviewed', () => {
  const MENU = withButton(100, 100);
  const CHANGED_MENU = (() => {
    const img = copyImage(MENU);
    fillRect(img, 10, 10, 20, 20, [255, 0, 0]);
    return img;
  })();
  const BOOTED = (() => {
    const img = copyImage(BASE);
    fillRect(img, 0, 0, 320, 240, [0, 0, 0]);
    return img;
  })();

  it('a menu that moves on by itself: -actual and accept are the closest frame, and the report says the screen moved on', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/menu.png'), MENU);
    const run = await runFake(project, `${SCENARIO}  - waitScreen: menu\n`, { timeline: [{ at: 0, frame: CHANGED_MENU }, { at: 400, frame: BOOTED }] });
    saveResults(run);
    const step = run.results[0]!.phases[0]!.steps[0]!;
    expect(step.error).toMatch(/400 pixels differ .* the screen moved on after the closest frame/);
    const record = step.goldens![0]!;
    expect((await readPng(join(run.reportDir, record.actual))).data).toEqual(CHANGED_MENU.data);
    expect((await readPng(join(run.reportDir, record.last!))).data).toEqual(BOOTED.data);
    expect(acceptCommand(run.reportDir, {}, () => undefined)).toBe(0);
    const again = await runFake(project, `${SCENARIO}  - waitScreen: menu\n`, { timeline: [{ at: 0, frame: CHANGED_MENU }, { at: 400, frame: BOOTED }] });
    expect(again.results[0]!.outcome).toBe('passed');
  });

  it('a frame of another size names both sizes and the screen\'s mode instead of a score', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/menu.png'), MENU);
    const text = { width: 72, height: 40, data: new Uint8Array(72 * 40 * 4) };
    const run = await runFake(project, `${SCENARIO}  - waitScreen: menu\n`, { timeline: [{ at: 0, frame: text, text: ['GRUB'] }] });
    reports.push(run.reportDir);
    expect(run.results[0]!.error!.message).toMatch(/the screen is a 72×40 text screen, the golden 320×240/);
  });
});

describe('the pointer is left out of the picture', () => {
  /** The fake draws a 16×16 black cursor where the pointer went. */
  const drawsCursor = (frame: RawImage) => ({
    timeline: [{ at: 0, frame }],
    onPointer: (e: { kind: string; x?: number; y?: number }, m: { apply(e: { frame: RawImage }): void }) => {
      if (e.kind !== 'move') return;
      const img = copyImage(frame);
      fillRect(img, e.x!, e.y!, 16, 16, [0, 0, 0]);
      m.apply({ frame: img });
    },
  });

  it('a region area with the cursor on it matches, where bootgate put the pointer', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/button.png'), withButton(100, 100));
    project.write('golden-screens/fake/button.regions.yaml', AREA);
    const run = await runFake(project, `${SCENARIO}  - move: {x: 150, y: 110}\n  - waitScreen: button\n`, drawsCursor(withButton(100, 100)));
    expect(run.results[0]!.outcome).toBe('passed');
    expect(run.results[0]!.phases[0]!.steps[1]!.region!.areas[0]!.similarity).toBe(1);
  });

  it('a cursor drawn where bootgate did not put the pointer still counts (the check can fail)', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/button.png'), withButton(100, 100));
    project.write('golden-screens/fake/button.regions.yaml', AREA);
    const moved = copyImage(withButton(100, 100));
    fillRect(moved, 150, 110, 16, 16, [0, 0, 0]);
    const run = await runFake(project, `${SCENARIO}  - waitScreen: button\n`, { timeline: [{ at: 0, frame: moved }] });
    reports.push(run.reportDir);
    expect(run.results[0]!.outcome).toBe('failed');
  });

  it('a whole-screen golden is compared without the pointer\'s box', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/desk.png'), BASE);
    const run = await runFake(project, `${SCENARIO}  - move: {x: 40, y: 50}\n  - waitScreen: desk\n`, drawsCursor(BASE));
    expect(run.results[0]!.outcome).toBe('passed');
    expect(existsSync(project.path('golden-screens/fake/desk.qemu.png'))).toBe(false);
  });
});
