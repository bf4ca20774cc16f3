/**
 * Text on graphical screens, through the real engine on corpus frames shown by the fake machine:
 * waitText reads them by OCR and reports the box, click and move go to the words' centre,
 * waitAny and repeat take text branches, failOn ends a wait on text OCR read, and a timeout says
 * what was read, line by line with boxes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { readPng } from '../../harness/screen/png-file.js';
import { runFake } from '../support/fake-jobs.js';
import { CORPUS_DIR } from '../support/ocr-corpus.js';
import { TempProject } from '../support/temp-project.js';

const SCENARIO = 'image: {cdrom: ../disk.img}\nstepTimeout: 20s\nsteps:\n';
let menu: RawImage;
let wizard: RawImage;
let language: RawImage;
const truth = (frame: string, text: string) => (JSON.parse(readFileSync(join(CORPUS_DIR, `${frame}.json`), 'utf8')) as { words: { text: string; box: { x: number; y: number; width: number; height: number } }[] }).words.find((w) => w.text === text)!.box;

beforeAll(async () => {
  const frame = (n: string) => readPng(join(CORPUS_DIR, `${n}.png`));
  [menu, wizard, language] = await Promise.all([frame('start-menu'), frame('wizard-1'), frame('select-language-v86')]);
});

let project: TempProject;
afterEach(() => project?.remove());

describe('text on graphical screens', () => {
  it('waitText reads a graphical screen by OCR and reports the match with its box', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - waitText: Select a language\n`, { timeline: [{ at: 0, frame: language, text: null }] });
    expect(results[0]!.outcome).toBe('passed');
    const step = results[0]!.phases[0]!.steps[0]!;
    expect(step.matched).toBe('Select a language');
    const box = truth('select-language-v86', 'Select a language');
    expect(step.region!.areas[0]!.x).toBeCloseTo(box.x, -1);
    expect(Math.abs(step.region!.areas[0]!.y - box.y)).toBeLessThanOrEqual(3);
  }, 60_000);

  it('click {text} clicks the centre of the words, and only once the screen shows them', async () => {
    project = new TempProject();
    const { results, machines } = await runFake(project, `${SCENARIO}  - click: {text: Terminal}\n`, { timeline: [{ at: 0, frame: wizard }, { at: 400, frame: menu }] });
    expect(results[0]!.outcome).toBe('passed');
    const box = truth('start-menu', 'Terminal');
    const move = machines[0]!.pointer[0] as { kind: string; x: number; y: number };
    expect(move.kind).toBe('move');
    expect(Math.abs(move.x - (box.x + box.width / 2))).toBeLessThanOrEqual(3);
    expect(Math.abs(move.y - (box.y + box.height / 2))).toBeLessThanOrEqual(3);
    expect(machines[0]!.pointer.slice(1)).toEqual([{ kind: 'button', button: 'left', down: true }, { kind: 'button', button: 'left', down: false }]);
  }, 60_000);

  it('a label shown for less than the hold is not clicked: the words must be on a screen that held still', async () => {
    project = new TempProject();
    // Shown for 1.2 s, longer than the polls' widest gap, against a hold of 2 s.
    const yaml = `${SCENARIO}  - click: {text: Terminal}\n    hold: 2s\n    timeout: 8s\n`;
    const { results, machines } = await runFake(project, yaml, { timeline: [{ at: 0, frame: wizard }, { at: 3000, frame: menu }, { at: 4200, frame: wizard }] });
    expect(results[0]!.phases[0]!.steps[0]!.outcome).toBe('failed');
    expect(machines[0]!.pointer).toEqual([]);
  }, 60_000);

  it('area restricts the read: text outside it is not found', async () => {
    project = new TempProject();
    const yaml = `${SCENARIO}  - move: {text: Exit, area: {x: 0, y: 550, width: 80, height: 20}}\n  - waitText: {text: Terminal, area: {x: 0, y: 550, width: 80, height: 20}}\n    timeout: 3s\n`;
    const { results, machines } = await runFake(project, yaml, { timeline: [{ at: 0, frame: menu }] });
    expect(machines[0]!.pointer[0]).toMatchObject({ kind: 'move' });
    expect(results[0]!.phases[0]!.steps[0]!.outcome).toBe('passed');
    expect(results[0]!.phases[0]!.steps[1]!.outcome).toBe('failed');
  }, 60_000);

  it('a timeout lists the text read on the last frame, by line with boxes, and leaves the frame with the boxes drawn', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${SCENARIO}  - waitText: Shutdown\n    timeout: 3s\n`, { timeline: [{ at: 0, frame: menu, text: null }] });
    const error = results[0]!.error!;
    expect(error.type).toBe('TextNotFoundError');
    expect(error.message).toMatch(/waiting for text Shutdown; the last frame read said \(\d+ lines, with boxes\):\n"Terminal" at \d+,50\d \d+×\d+\n"Restart" at/);
    expect(Object.keys(error.artifacts!)).toEqual(['actual']);
  }, 60_000);

  it('failOn ends a wait on a graphical screen at once when OCR reads the pattern', async () => {
    project = new TempProject();
    const started = performance.now();
    const { results } = await runFake(project, `${SCENARIO}  - waitText: Shutdown\n    failOn: [Restart]\n`, { timeline: [{ at: 0, frame: menu, text: null }] });
    expect(results[0]!.error!.type).toBe('FailurePatternError');
    expect(results[0]!.error!.message).toMatch(/failure pattern Restart matched on the screen: .*by OCR/);
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 60_000);

  it('waitAny takes the branch of the text that showed', async () => {
    project = new TempProject();
    const yaml = `${SCENARIO}  - waitAny:\n      - {text: Welcome, steps: [{press: esc}]}\n      - {text: Restart, steps: [{press: enter}]}\n`;
    const { results, machines } = await runFake(project, yaml, { timeline: [{ at: 0, frame: menu }] });
    expect(results[0]!.outcome).toBe('passed');
    expect(results[0]!.phases[0]!.steps[0]!.matched).toBe('Restart');
    expect(machines[0]!.keys).toEqual([['ret']]);
  }, 60_000);

  it('repeat until text presses until the text shows', async () => {
    project = new TempProject();
    let downs = 0;
    const yaml = `${SCENARIO}  - repeat: {steps: [{press: down}], until: {text: Terminal}, maxTries: 4, wait: 3s}\n`;
    const { results, machines } = await runFake(project, yaml, { timeline: [{ at: 0, frame: wizard }], onKeys: (_: unknown, m: { apply(e: { frame: RawImage }): void }) => ++downs === 2 && m.apply({ frame: menu }) });
    expect(results[0]!.outcome).toBe('passed');
    expect(machines[0]!.keys).toHaveLength(2);
    expect(results[0]!.phases[0]!.steps[0]!.note).toBe('2 tries');
  }, 60_000);
});
