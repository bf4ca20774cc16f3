import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { readPng } from '../../harness/screen/png-file.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { EXIT } from '../../harness/model/outcome.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

/** 36×32: a 4×2 text page of 9×16 cells. `cells` lists the cells painted white; `rgb` is the rest. */
function frame(rgb: [number, number, number], cells: readonly [number, number][] = [], extra?: Partial<RawImage>): RawImage {
  const [width, height] = [36, 32];
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  for (const [col, row] of cells) {
    for (let y = row * 16; y < row * 16 + 16; y++) for (let x = col * 9; x < col * 9 + 9; x++) data.set([255, 255, 255, 255], (y * width + x) * 4);
  }
  return { width, height, data, ...extra };
}

const BLACK = frame([0, 0, 0]);
const HALF_DRAWN = frame([0, 0, 170], [[0, 0]]);
const MENU = frame([0, 0, 170], [[0, 0], [1, 0], [2, 0]]);
/** MENU with the cursor drawn in cell (3, 1). */
const MENU_CURSOR = frame([0, 0, 170], [[0, 0], [1, 0], [2, 0], [3, 1]]);
const CURSOR = { column: 3, row: 1, columns: 4, rows: 2 };

/** Frames alternating every `ms` until `until`. */
function blinking(a: RawImage, b: RawImage, ms: number, until: number) {
  return Array.from({ length: Math.floor(until / ms) }, (_, i) => ({ at: (i + 1) * ms, frame: i % 2 ? a : b }));
}

let project: TempProject;
afterEach(() => project?.remove());
const golden = () => project.path('golden-screens/fake/menu.qemu.png');
const SCENARIO = 'image: {cdrom: ../disk.img}\nstepTimeout: 4s\nsteps:\n';

describe('recording a golden takes a settled frame', () => {
  it('skips a blank first frame that holds still, and the emulator placeholder', async () => {
    project = new TempProject();
    const placeholder = frame([0, 0, 0], [[1, 1]], { placeholder: true });
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: {golden: menu, settle: 300ms}\n`, {
      timeline: [{ at: 0, frame: BLACK }, { at: 500, frame: placeholder }, { at: 1000, frame: MENU }],
    }, { updateMode: 'missing' });
    expect(results[0]!.outcome).toBe('passed');
    expect((await readPng(golden())).data).toEqual(MENU.data);
    const record = results[0]!.phases[0]!.steps[0]!.goldens![0]!;
    expect(record).toMatchObject({ name: 'menu', status: 'created', file: golden() });
  });

  it('a blank screen is recorded when asked', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: {golden: menu, settle: 300ms, allowBlank: true}\n`, { timeline: [{ at: 0, frame: BLACK }] }, { updateMode: 'missing' });
    expect(results[0]!.outcome).toBe('passed');
    expect((await readPng(golden())).data).toEqual(BLACK.data);
  });

  it('skips a transitional frame that pauses for less than the settle time', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: {golden: menu, settle: 800ms}\n`, {
      timeline: [{ at: 0, frame: HALF_DRAWN }, { at: 600, frame: MENU }],
    }, { updateMode: 'missing' });
    expect(results[0]!.outcome).toBe('passed');
    expect((await readPng(golden())).data).toEqual(MENU.data);
  });

  it('a blinking text cursor does not keep the screen from settling', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: {golden: menu, settle: 600ms}\n`, {
      timeline: [{ at: 0, frame: MENU, cursor: CURSOR }, ...blinking(MENU, MENU_CURSOR, 130, 3000)],
    }, { updateMode: 'missing' });
    expect(results[0]!.outcome).toBe('passed');
    const written = await readPng(golden());
    expect([MENU.data, MENU_CURSOR.data]).toContainEqual(written.data);
  });

  it('a screen that never holds still fails with the box of what moved, drawn in the report', async () => {
    project = new TempProject();
    // The same blink with no cursor known: a character blinking, which nothing excuses.
    const { results, reportDir } = await runFake(project, `${SCENARIO}  - waitScreen: {golden: menu, settle: 600ms}\n    timeout: 1500ms\n`, {
      timeline: [{ at: 0, frame: MENU }, ...blinking(MENU, MENU_CURSOR, 130, 3000)],
    }, { updateMode: 'missing' });
    const job = results[0]!;
    expect(job.outcome).toBe('failed');
    expect(job.error!.type).toBe('ScreenUnstableError');
    expect(job.error!.message).toContain('9×16 at x=27, y=16');
    const step = job.phases[0]!.steps[0]!;
    expect(step.moving).toEqual({ x: 27, y: 16, width: 9, height: 16 });
    const moving = step.artifacts.find((a) => a.endsWith('-moving.png'))!;
    const drawn = await readPng(join(reportDir, moving));
    // Red just outside the box's top-left corner.
    expect([...drawn.data.subarray(((14 * 36) + 25) * 4, ((14 * 36) + 25) * 4 + 4)]).toEqual([255, 0, 0, 255]);
    expect(existsSync(golden())).toBe(false);
  });

  it('"changed" writes the screen as it is once settled, not the closest frame seen long before', async () => {
    project = new TempProject();
    const { writePng } = await import('../../harness/screen/png-file.js');
    await writePng(golden(), HALF_DRAWN);
    const near = frame([0, 0, 170], [[0, 0], [1, 1]]);
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: {golden: menu, settle: 300ms}\n    timeout: 800ms\n`, {
      timeline: [{ at: 0, frame: near }, { at: 300, frame: MENU }],
    }, { updateMode: 'changed' });
    expect(results[0]!.outcome).toBe('passed');
    expect(results[0]!.phases[0]!.steps[0]!.goldens![0]!.status).toBe('updated');
    expect((await readPng(golden())).data).toEqual(MENU.data);
  });

  it('screenshot and waitStill wait for a settled screen', async () => {
    project = new TempProject();
    const { results, reportDir } = await runFake(project, `${SCENARIO}  - waitStill: 500ms\n  - screenshot: {name: shot, settle: 300ms}\n`, {
      timeline: [{ at: 0, frame: HALF_DRAWN }, { at: 300, frame: MENU }],
    });
    expect(results[0]!.outcome).toBe('passed');
    const [still, shot] = results[0]!.phases[0]!.steps;
    expect(still!.durationMs).toBeGreaterThanOrEqual(750);
    expect((await readPng(join(reportDir, shot!.artifacts[0]!))).data).toEqual(MENU.data);
  });

  it('a screenshot of a screen that never holds still keeps a frame within its settle time, with a note of what moved', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - screenshot: {name: shot, settle: 500ms}\n`, {
      timeline: [{ at: 0, frame: MENU }, ...blinking(MENU, MENU_CURSOR, 130, 3000)],
    });
    expect(results[0]!.outcome).toBe('passed');
    const step = results[0]!.phases[0]!.steps[0]!;
    expect(step.note).toMatch(/did not hold still for 0\.5 s \(it kept changing in 9×16 at x=27, y=16\): kept the frame that stayed longest/);
    expect(step.durationMs).toBeLessThan(1000);
  });

  it('a screenshot keeps the page that stayed longest, and a failure pattern during it does not fail the job', async () => {
    project = new TempProject();
    // The last wait passed on the half-drawn page; the guest draws its page, then gives up by itself.
    const yaml = `${SCENARIO}  - screenshot: {name: shot, settle: 800ms}\n`;
    const { results, reportDir } = await runFake(project, yaml, {
      timeline: [{ at: 0, frame: HALF_DRAWN }, { at: 100, frame: MENU }, { at: 650, frame: BLACK, text: ['No bootable device.'] }],
    });
    expect(results[0]!.outcome).toBe('passed');
    const step = results[0]!.phases[0]!.steps[0]!;
    expect((await readPng(join(reportDir, step.artifacts[0]!))).data).toEqual(MENU.data);
    expect(step.note).toMatch(/did not hold still/);
  });

  it('a run that wrote goldens in the default mode exits with "review" unless an update mode was asked for', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: {golden: menu, settle: 200ms}\n`, { timeline: [{ at: 0, frame: MENU }] }, { updateMode: 'missing' });
    const options = { updateGoldens: 'missing', timeoutScale: 1, jobs: 1, retries: 0 };
    expect(buildRunResult(results, new Date(), 1, options, true).summary).toMatchObject({ goldensWritten: 1, exitCode: EXIT.review });
    expect(buildRunResult(results, new Date(), 1, options, false).summary.exitCode).toBe(EXIT.passed);
  });
});
