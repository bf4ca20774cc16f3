import { afterEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { writePng } from '../../harness/screen/png-file.js';
import { runFake } from '../support/fake-jobs.js';
import { copyImage, desktop, drawButton, fillRect } from '../support/region-frames.js';
import { TempProject } from '../support/temp-project.js';

const SCENARIO = 'image: {cdrom: ../disk.img}\nstepTimeout: 1500ms\nsteps:\n';
const BASE = desktop(320, 240);

function withButton(x: number, y: number): RawImage {
  const img = copyImage(BASE);
  drawButton(img, x, y);
  return img;
}

const RECORDED = withButton(100, 100);
const MOVED = withButton(125, 112);
/** A different picture where the button was: a dialog's area filled flat. */
const OTHER = (() => {
  const img = copyImage(BASE);
  fillRect(img, 60, 60, 200, 120, [90, 20, 20]);
  return img;
})();

let project: TempProject;
afterEach(() => project?.remove());

async function regionGolden(name: string, image: RawImage, sidecar: string): Promise<void> {
  await writePng(project.path(`golden-screens/fake/${name}.png`), image);
  project.write(`golden-screens/fake/${name}.regions.yaml`, sidecar);
}

const BUTTON_AREA = 'areas:\n  - { x: 100, y: 100, width: 120, height: 40, margin: 30, clickPoint: { x: 10, y: 20 } }\n';

describe('region goldens in screen waits', () => {
  it('reports where each area was found, moved within its margin, with its similarity and click point', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: button\n`, { timeline: [{ at: 0, frame: MOVED }] });
    const step = results[0]!.phases[0]!.steps[0]!;
    expect(results[0]!.outcome).toBe('passed');
    expect(step.region).toEqual({ golden: 'button', frame: { width: 320, height: 240 }, areas: [{ x: 125, y: 112, width: 120, height: 40, similarity: 1, found: true }], click: { x: 135, y: 132 } });
  });

  it('fails when an area is not within its margin, naming the best candidate and its score', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: button\n    timeout: 500ms\n`, { timeline: [{ at: 0, frame: OTHER }] });
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.type).toBe('ScreenMismatchError');
    expect(results[0]!.error!.message).toMatch(/area 1 not found, best candidate at \d+,\d+.*similarity 0\.\d{3}/);
    expect(Object.keys(results[0]!.error!.artifacts!)).toEqual(['actual', 'expected', 'diff']);
  });

  it('a shared sidecar applies to the backend\'s own PNG an update wrote beside the shared one', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    // What an update leaves: the backend's own picture, the shared sidecar.
    await writePng(project.path('golden-screens/fake/button.qemu.png'), RECORDED);
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: button\n`, { timeline: [{ at: 0, frame: MOVED }] });
    expect(results[0]!.outcome).toBe('passed');
    expect(results[0]!.phases[0]!.steps[0]!.region?.areas[0]).toMatchObject({ x: 125, y: 112, found: true });
  });

  it('a whole-screen golden beside a region golden keeps its pixel comparison', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    await writePng(project.path('golden-screens/fake/other.png'), OTHER);
    const { results } = await runFake(project, `${SCENARIO}  - waitScreen: {anyOf: [button, other]}\n`, { timeline: [{ at: 0, frame: OTHER }] });
    expect(results[0]!.phases[0]!.steps[0]!.matched).toBe('other');
    expect(results[0]!.phases[0]!.steps[0]!.region).toBeUndefined();
  });
});

describe('pointer steps', () => {
  it('move, click, double-click, drag and scroll reach the machine in order', async () => {
    project = new TempProject();
    const yaml = `${SCENARIO}  - move: {x: 5, y: 6}\n  - click: {x: 10, y: 20, button: right}\n  - click: {x: 1, y: 2, double: true}\n  - drag: {from: {x: 1, y: 1}, to: {x: 30, y: 40}}\n  - scroll: -2\n`;
    const { results, machines } = await runFake(project, yaml, { timeline: [{ at: 0, frame: BASE }] });
    expect(results[0]!.outcome).toBe('passed');
    const down = (button: string) => ({ kind: 'button', button, down: true });
    const up = (button: string) => ({ kind: 'button', button, down: false });
    expect(machines[0]!.pointer).toEqual([
      { kind: 'move', x: 5, y: 6 },
      { kind: 'move', x: 10, y: 20 }, down('right'), up('right'),
      { kind: 'move', x: 1, y: 2 }, down('left'), up('left'), down('left'), up('left'),
      { kind: 'move', x: 1, y: 1 }, down('left'), { kind: 'move', x: 30, y: 40 }, up('left'),
      { kind: 'scroll', notches: -2 },
    ]);
    expect(results[0]!.phases[0]!.steps.map((s) => s.pointer)).toEqual([{ x: 5, y: 6 }, { x: 10, y: 20 }, { x: 1, y: 2 }, { x: 30, y: 40 }, undefined]);
  });

  it('a click on a region golden waits for it and clicks where it was found, not where it was recorded', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    const { results, machines } = await runFake(project, `${SCENARIO}  - click: button\n`, { timeline: [{ at: 0, frame: BASE }, { at: 200, frame: MOVED }] });
    expect(results[0]!.outcome).toBe('passed');
    expect(machines[0]!.pointer[0]).toEqual({ kind: 'move', x: 135, y: 132 });
    expect(results[0]!.phases[0]!.steps[0]!.region!.click).toEqual({ x: 135, y: 132 });
  });

  it('a click on a whole-screen golden is refused: it has no place to click', async () => {
    project = new TempProject();
    await writePng(project.path('golden-screens/fake/plain.png'), BASE);
    const { results, machines } = await runFake(project, `${SCENARIO}  - click: plain\n`, { timeline: [{ at: 0, frame: BASE }] });
    expect(results[0]!.error!.message).toMatch(/golden plain has no areas to click: give it a sidecar plain\.regions\.yaml/);
    expect(machines[0]!.pointer).toEqual([]);
  });
});

describe('repeat and waitAny', () => {
  /** The button appears after the third Down. */
  const pressesShowButton = () => {
    let downs = 0;
    return { timeline: [{ at: 0, frame: BASE }], onKeys: (_: unknown, m: { apply(e: { frame: RawImage }): void }) => ++downs === 3 && m.apply({ frame: RECORDED }) };
  };

  it('repeat runs its steps until the screen appears and says how many tries it took', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    const yaml = `${SCENARIO}  - repeat: {steps: [{press: down}], until: button, maxTries: 5, wait: 300ms}\n`;
    const { results, machines } = await runFake(project, yaml, pressesShowButton());
    expect(results[0]!.outcome).toBe('passed');
    expect(machines[0]!.keys).toHaveLength(3);
    expect(results[0]!.phases[0]!.steps[0]!.note).toBe('3 tries');
  });

  it('repeat in an update mode still presses until the screen appears instead of taking the first screen as the golden', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    const yaml = `${SCENARIO}  - repeat: {steps: [{press: down}], until: button, maxTries: 5, wait: 300ms}\n`;
    const { results, machines } = await runFake(project, yaml, pressesShowButton(), { updateMode: 'changed' });
    expect(results[0]!.phases[0]!.steps[0]!.note).toBe('3 tries');
    expect(machines[0]!.keys).toHaveLength(3);
  });

  it('repeat fails after maxTries with the best candidate', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    const yaml = `${SCENARIO}  - repeat: {steps: [{press: down}], until: button, maxTries: 2, wait: 200ms}\n`;
    const { results, machines } = await runFake(project, yaml, pressesShowButton());
    expect(results[0]!.outcome).toBe('failed');
    expect(machines[0]!.keys).toHaveLength(2);
    expect(results[0]!.error!.message).toMatch(/screen did not match golden .*button\.png: not after 2 tries: area 1 not found, best candidate/);
  });

  it('waitAny runs the steps of the screen that appeared, and only those', async () => {
    project = new TempProject();
    await regionGolden('button', RECORDED, BUTTON_AREA);
    await writePng(project.path('golden-screens/fake/dialog.png'), OTHER);
    const yaml = `${SCENARIO}  - waitAny:\n      - {screen: dialog, steps: [{press: esc}]}\n      - {screen: button, steps: [{click: button}]}\n`;
    const dialog = await runFake(project, yaml, { timeline: [{ at: 0, frame: OTHER }] });
    expect(dialog.results[0]!.phases[0]!.steps[0]!.matched).toBe('dialog');
    expect(dialog.machines[0]!.keys).toHaveLength(1);
    expect(dialog.machines[0]!.pointer).toEqual([]);
    const button = await runFake(project, yaml, { timeline: [{ at: 0, frame: MOVED }] });
    expect(button.results[0]!.phases[0]!.steps[0]!.matched).toBe('button');
    expect(button.machines[0]!.keys).toHaveLength(0);
    expect(button.machines[0]!.pointer[0]).toEqual({ kind: 'move', x: 135, y: 132 });
  });

  it('a bad nested step is refused as the scenario loads, naming its file, line and field', async () => {
    project = new TempProject();
    await expect(runFake(project, `${SCENARIO}  - repeat: {steps: [{press: nosuchkey}], until: button}\n`, { timeline: [{ at: 0, frame: BASE }] })).rejects.toThrow(
      /fake\.yaml:\d+:\d+: steps\.\d+\.repeat\.steps\.0\.press: unknown key "nosuchkey"/,
    );
  });
});
