import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { readPng, writePng } from '../../harness/screen/png-file.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

function frame(rgb: [number, number, number], mark = false): RawImage {
  const width = 32;
  const height = 16;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  // Never one colour: a blank frame is never recorded as a golden.
  data.set([255, 255, 255, 255], (width * height - 1) * 4);
  if (mark) for (let x = 0; x < 8; x++) data.set([255, 255, 0, 255], (2 * width + x) * 4);
  return { width, height, data };
}

const MENU = frame([0, 0, 170]);
const MENU_CLOCK_CHANGED = frame([0, 0, 170], true);
const PROMPT = frame([0, 0, 0]);
const SCENARIO = 'image: {cdrom: ../disk.img}\nstepTimeout: 1500ms\nsteps:\n';

let project: TempProject;
afterEach(() => project?.remove());

function golden(name: string, backend = 'qemu'): string {
  return project.path(`golden-screens/fake/${name}.${backend}.png`);
}

describe('waiting for the screen to match a golden', () => {
  it('passes when one of several goldens matches and reports which', async () => {
    project = new TempProject();
    await writePng(golden('menu'), MENU);
    await writePng(golden('prompt'), PROMPT);
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: {anyOf: [menu, prompt]}\n`, {
      timeline: [{ at: 0, frame: frame([9, 9, 9]) }, { at: 150, frame: PROMPT }],
    });
    expect(results[0]!.outcome).toBe('passed');
    expect(results[0]!.phases[0]!.steps[0]!.matched).toBe('prompt');
  });

  it('uses a shared golden when the backend has none of its own', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/menu.png'), MENU);
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: menu\n`, { timeline: [{ at: 0, frame: MENU }] });
    expect(results[0]!.outcome).toBe('passed');
  });

  it('a mismatch fails with actual, expected and diff in the report folder and leaves the golden alone', async () => {
    project = new TempProject();
    await writePng(golden('menu'), MENU);
    const before = statSync(golden('menu')).mtimeMs;
    const { results, reportDir } = await runFake(project, `${SCENARIO}  - waitScreen: menu\n    timeout: 600ms\n`, { timeline: [{ at: 0, frame: PROMPT }] });
    const job = results[0]!;
    expect(job.outcome).toBe('failed');
    expect(job.error!.type).toBe('ScreenMismatchError');
    expect(job.error!.message).toMatch(/511 pixels differ/);
    for (const kind of ['actual', 'expected', 'diff']) expect(existsSync(join(reportDir, job.error!.artifacts![kind]!))).toBe(true);
    expect(statSync(golden('menu')).mtimeMs).toBe(before);
    expect(readdirSync(project.path('golden-screens/fake'))).toEqual(['menu.qemu.png']);
  });

  it('masks hide what changes (clocks, counters)', async () => {
    project = new TempProject();
    await writePng(golden('menu'), MENU);
    const yaml = (mask: string) => `${SCENARIO}  - waitScreen: {golden: menu, masks: [${mask}]}\n    timeout: 400ms\n`;
    const script = { timeline: [{ at: 0, frame: MENU_CLOCK_CHANGED }] };
    expect((await runFake(project, yaml('{x: 0, y: 2, width: 8, height: 1}'), script)).results[0]!.outcome).toBe('passed');
    expect((await runFake(project, yaml('{x: 9, y: 2, width: 8, height: 1}'), script)).results[0]!.outcome).toBe('failed');
  });

  it('a missing golden is created from a stable frame in "missing" mode', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: menu\n    timeout: 5s\n`, { timeline: [{ at: 0, frame: MENU }] }, { updateMode: 'missing' });
    expect(results[0]!.outcome).toBe('passed');
    expect(results[0]!.phases[0]!.steps[0]!.note).toMatch(/golden created/);
    expect((await readPng(golden('menu'))).data).toEqual(MENU.data);
  });

  it('a missing golden fails in "none" mode (CI) and nothing is written', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: menu\n`, { timeline: [{ at: 0, frame: MENU }] });
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.message).toMatch(/golden missing/);
    expect(existsSync(golden('menu'))).toBe(false);
  });

  it('"changed" mode rewrites a golden that no longer matches once the screen is stable', async () => {
    project = new TempProject();
    await writePng(golden('menu'), MENU);
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: menu\n    timeout: 800ms\n`, { timeline: [{ at: 0, frame: PROMPT }] }, { updateMode: 'changed' });
    expect(results[0]!.outcome).toBe('passed');
    expect(results[0]!.phases[0]!.steps[0]!.note).toMatch(/golden updated/);
    expect((await readPng(golden('menu'))).data).toEqual(PROMPT.data);
  });

  it('a truncated golden is a config error naming the file', async () => {
    project = new TempProject();
    await writePng(golden('menu'), MENU);
    const bytes = readFileSync(golden('menu'));
    writeFileSync(golden('menu'), bytes.subarray(0, 40));
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: menu\n`, { timeline: [{ at: 0, frame: MENU }] });
    expect(results[0]!.outcome).toBe('config-error');
    expect(results[0]!.error!.message).toContain('menu.qemu.png');
    expect(results[0]!.error!.message).toMatch(/not a readable PNG/);
  });
});
