/** The prompt of a repro session on the fake machine: the pointer it tracks, moves and clicks, and the region goldens it saves. */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import { FakeMachine } from '../../harness/machine/fake/fake-machine.js';
import { PointerTracker } from '../../harness/repro/pointer-tracker.js';
import { sessionCommands } from '../../harness/repro/session-commands.js';
import { GoldenStore, type UpdateMode } from '../../harness/screen/golden-store.js';
import { readPng } from '../../harness/screen/png-file.js';
import { RegionMatcher } from '../../harness/screen/region-golden.js';
import { regionSpecs } from '../../harness/steps/region-wait.js';
import { copyImage, desktop, drawButton } from '../support/region-frames.js';
import { TempProject } from '../support/temp-project.js';

const BASE = desktop(320, 240);
const withButton = (x: number, y: number) => {
  const img = copyImage(BASE);
  drawButton(img, x, y);
  return img;
};
const SHOWN = withButton(100, 100);

let project: TempProject;
afterEach(() => project?.remove());

async function session(mode: UpdateMode) {
  project = new TempProject();
  const fake = new FakeMachine('qemu', { timeline: [{ at: 0, frame: SHOWN }] });
  await fake.start();
  const pointer = new PointerTracker();
  const machine = pointer.track(fake);
  const goldens = new GoldenStore(project.path('golden-screens'), 'desk', 'qemu', mode);
  const run = sessionCommands({ machine, pointer, goldens });
  const png = project.path('golden-screens/desk/ok.qemu.png');
  const sidecar = project.path('golden-screens/desk/ok.qemu.regions.yaml');
  return { fake, machine, pointer, goldens, run, png, sidecar };
}

describe('the pointer in a repro session', () => {
  it('is where the last move put it, whoever moved it; the rest of the machine is untouched', async () => {
    const { fake, machine, pointer, run } = await session('none');
    expect(pointer.describe()).toBeUndefined();
    expect(await run('pointer')).toBe('pointer: not moved by bootgate yet');
    await expect(run('click')).rejects.toThrow(/has not moved the pointer yet: give X Y/);
    await machine.pointerMove(222, 147);
    expect(await run('pointer')).toBe('pointer 222,147');
    expect(await run('move 10 20')).toBe('pointer 10,20');
    expect(await run('click right double')).toBe('double-clicked right at 10,20');
    expect(await run('click 30 40')).toBe('clicked left at 30,40');
    expect(pointer.position).toEqual({ x: 30, y: 40 });
    expect(fake.pointer.filter((e) => e.kind === 'move')).toEqual([
      { kind: 'move', x: 222, y: 147 },
      { kind: 'move', x: 10, y: 20 },
      { kind: 'move', x: 10, y: 20 },
      { kind: 'move', x: 30, y: 40 },
    ]);
    expect(fake.pointer.filter((e) => e.kind === 'button')).toHaveLength(6);
    expect((await machine.screenshot()).width).toBe(320);
    expect(machine.backend).toBe('qemu');
  });

  it('a move the machine refuses leaves the position where it was', async () => {
    const { pointer, run } = await session('none');
    await run('move 5 5');
    await expect(run('move 400 5')).rejects.toThrow(/not a pixel of the 320×240 screen/);
    expect(pointer.position).toEqual({ x: 5, y: 5 });
    await expect(run('move 5')).rejects.toThrow(/usage: move X Y/);
    await expect(run('move -1 5')).rejects.toThrow(/X must be a whole number ≥ 0, got "-1"/);
    await expect(run('wiggle')).rejects.toThrow(ConfigError);
    expect(await run('help')).toMatch(/^pointer .*\nmove X Y/);
  });
});

describe('saving a region golden from a repro session', () => {
  it('writes the screen and a sidecar that the region reader reads back and finds on the frame it came from, and moved', async () => {
    const { run, png, sidecar } = await session('missing');
    expect(await run('region ok 100 100 120 40 click 110 120 margin 30')).toBe(`golden ok created: ${png}\n  areas in ${sidecar}: 120×40 at 100,100, click at 110,120`);
    expect(readFileSync(sidecar, 'utf8')).toBe('areas:\n  - { x: 100, y: 100, width: 120, height: 40, margin: 30, clickPoint: { x: 10, y: 20 } }\nexcludes: []\n');
    const golden = await new GoldenStore(project.path('golden-screens'), 'desk', 'qemu', 'none').load('ok');
    expect(golden.path).toBe(png);
    expect(golden.image).toEqual(SHOWN);
    const [spec] = regionSpecs([golden]);
    expect(spec).toEqual({ areas: [{ x: 100, y: 100, width: 120, height: 40, margin: 30, clickPoint: { x: 10, y: 20 } }], excludes: [] });
    const matcher = new RegionMatcher(golden.image!, spec!);
    expect(matcher.match(SHOWN)).toMatchObject({ match: true, areas: [{ found: true, x: 100, y: 100, similarity: 1 }], click: { x: 110, y: 120 } });
    expect(matcher.match(withButton(125, 112))).toMatchObject({ match: true, click: { x: 135, y: 132 } });
  });

  it('`click` alone puts the click point where the pointer is; without one a click goes to the centre', async () => {
    const { run, sidecar } = await session('missing');
    await run('move 150 130');
    await run('region ok 100 100 120 40 click similarity 0.9');
    expect(readFileSync(sidecar, 'utf8')).toMatch(/similarity: 0.9, clickPoint: \{ x: 50, y: 30 \}/);
    await run('region plain 0 0 32 16');
    expect(readFileSync(project.path('golden-screens/desk/plain.qemu.regions.yaml'), 'utf8')).toBe('areas:\n  - { x: 0, y: 0, width: 32, height: 16 }\nexcludes: []\n');
  });

  it('writes nothing without an update mode, and replaces a golden only with changed or all', async () => {
    const none = await session('none');
    await expect(none.run('region ok 100 100 120 40')).rejects.toThrow(/--update-goldens: saving a golden needs --update-goldens/);
    expect(existsSync(none.png) || existsSync(none.sidecar)).toBe(false);
    project.remove();

    const missing = await session('missing');
    await missing.run('region ok 100 100 120 40');
    const before = readFileSync(missing.png);
    await expect(missing.run('region ok 0 0 10 10')).rejects.toThrow(/golden ok exists \(.*ok\.qemu\.png\); --update-goldens=changed or all replaces it/);
    expect(readFileSync(missing.png)).toEqual(before);
    expect(readFileSync(missing.sidecar, 'utf8')).toMatch(/x: 100/);
    // A shared golden of that name is one too: this backend's would shadow it.
    await missing.run('region shared 0 0 10 10');
    const v86 = sessionCommands({ machine: missing.machine, pointer: missing.pointer, goldens: new GoldenStore(project.path('golden-screens'), 'desk', 'v86', 'missing') });
    renameSync(project.path('golden-screens/desk/shared.qemu.png'), project.path('golden-screens/desk/shared.png'));
    await expect(v86('region shared 0 0 10 10')).rejects.toThrow(/golden shared exists/);

    const again = sessionCommands({ machine: missing.machine, pointer: missing.pointer, goldens: new GoldenStore(project.path('golden-screens'), 'desk', 'qemu', 'changed') });
    expect(await again('region ok 0 0 10 10')).toMatch(/^golden ok updated: /);
    expect(readFileSync(missing.sidecar, 'utf8')).toBe('areas:\n  - { x: 0, y: 0, width: 10, height: 10 }\nexcludes: []\n');
    expect(await readPng(missing.png)).toEqual(SHOWN);
  });

  it('refuses an area off the screen, a click point outside the area and a bad name, writing nothing', async () => {
    const { run, png, sidecar } = await session('all');
    await expect(run('region ok 300 100 120 40')).rejects.toThrow(/ok\.qemu\.regions\.yaml: areas\[0\]: area 120×40 at 300,100 is not inside the 320×240 golden/);
    await expect(run('region ok 100 100 120 40 click 99 120')).rejects.toThrow(/click point 99,120 is outside the area 120×40 at 100,100/);
    await expect(run('region ok 100 100 0 40')).rejects.toThrow(/region: width: /);
    await expect(run('region ok 100 100 120 40 similarity 2')).rejects.toThrow(/region: similarity: /);
    await expect(run('region ../ok 100 100 120 40')).rejects.toThrow(/golden name "..\/ok"/);
    await expect(run('region ok 100 100 120')).rejects.toThrow(/usage: region NAME/);
    expect(existsSync(png) || existsSync(sidecar)).toBe(false);
  });
});

describe('the prompt types, presses, scrolls, snaps areas to widgets and adds areas', () => {
  it('type, press and scroll reach the machine; a bad chord or scroll is a message', async () => {
    const { fake, run } = await session('none');
    expect(await run('type  hello world')).toBe('typed " hello world"');
    expect(await run('press ctrl+alt+del enter')).toBe('pressed ctrl+alt+del enter');
    expect(await run('scroll -2')).toBe('scrolled up 2');
    expect(fake.typed).toEqual([' hello world']);
    expect(fake.keys).toHaveLength(2);
    expect(fake.pointer).toEqual([{ kind: 'scroll', notches: -2 }]);
    await expect(run('press nosuchkey')).rejects.toThrow(/unknown key "nosuchkey"/);
    await expect(run('scroll 0')).rejects.toThrow(/usage: scroll N/);
    await expect(run('wait soon')).rejects.toThrow(/usage: wait DURATION/);
  });

  it('region NAME at X Y snaps the area to the button around the point, and falls back to 120×40 on a flat screen', async () => {
    const { run, sidecar } = await session('missing');
    // The face inside the button's bevel, and 2 px around it: the bevel and a rim of the desktop.
    expect(await run('region ok at 130 115')).toMatch(/124×40 at 98,100 \(snapped to the edges around the point\)/);
    expect(readFileSync(sidecar, 'utf8')).toMatch(/x: 98, y: 100, width: 124, height: 40/);
    // `click` alone goes to the point given, though the pointer was never moved (the README's first step).
    expect(await run('region other at 130 115 click')).toMatch(/124×40 at 98,100 .*, click at 130,115/);
    project.remove();
    project = new TempProject();
    const flat = new FakeMachine('qemu', { timeline: [{ at: 0, frame: { width: 320, height: 240, data: new Uint8Array(320 * 240 * 4).fill(200) } }] });
    await flat.start();
    const pointer = new PointerTracker();
    const runFlat = sessionCommands({ machine: pointer.track(flat), pointer, goldens: new GoldenStore(project.path('golden-screens'), 'desk', 'qemu', 'missing') });
    expect(await runFlat('region ok at 5 5')).toMatch(/120×40 at 0,0 \(no edges around the point: a box of the default size\)/);
  });

  it('region NAME add puts another area, with its pixels from the screen now, on a region golden', async () => {
    const { fake, run, png, sidecar } = await session('changed');
    await run('region ok 100 100 120 40');
    // The screen changes: a second button appears; the first area's pixels in the golden stay.
    const two = withButton(10, 180);
    drawButton(two, 100, 100);
    fake.apply({ frame: two });
    expect(await run('region ok add 10 180 120 40 margin 5')).toMatch(/area added in .*ok\.qemu\.regions\.yaml: 120×40 at 10,180/);
    expect(readFileSync(sidecar, 'utf8')).toBe('areas:\n  - { x: 100, y: 100, width: 120, height: 40 }\n  - { x: 10, y: 180, width: 120, height: 40, margin: 5 }\nexcludes: []\n');
    const golden = await new GoldenStore(project.path('golden-screens'), 'desk', 'qemu', 'none').load('ok');
    const [spec] = regionSpecs([golden]);
    expect(new RegionMatcher(golden.image!, spec!).match(two).match).toBe(true);
    expect(new RegionMatcher(golden.image!, spec!).match(SHOWN).match).toBe(false);
    expect(existsSync(png)).toBe(true);
    await expect(run('region none add 0 0 10 10')).rejects.toThrow(/golden none has no areas to add to/);
  });

  it('a golden is saved with the pointer parked off its area, unless keep-pointer', async () => {
    const { fake, run } = await session('all');
    await run('move 150 120');
    expect(await run('region ok 100 100 120 40 click')).toMatch(/clickPoint|click at 150,120\n  the pointer was over the area: parked at 319,0/);
    expect(fake.pointer.at(-1)).toEqual({ kind: 'move', x: 319, y: 0 });
    await run('move 150 120');
    expect(await run('region ok 100 100 120 40 keep-pointer')).not.toMatch(/parked/);
    expect(fake.pointer.at(-1)).toEqual({ kind: 'move', x: 150, y: 120 });
  });
});

