/**
 * The races a GUI flow loses when a step acts on the first frame that matches: a list that
 * redraws a moment after a scroll, and a default selection the guest applies just after the list
 * appeared. Each is played by the fake machine; `hold: 0` brings the old behaviour back, so each
 * test shows the race it guards against.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMachine, FakePointerEvent } from '../../harness/machine/fake/fake-machine.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { writePng } from '../../harness/screen/png-file.js';
import { runFake } from '../support/fake-jobs.js';
import { copyImage, desktop, drawButton, fillRect } from '../support/region-frames.js';
import { TempProject } from '../support/temp-project.js';

const SCENARIO = 'image: {cdrom: ../disk.img}\nstepTimeout: 3s\nsteps:\n';
const BASE = desktop(320, 240);
const withButton = (x: number, y: number, also?: (img: RawImage) => void): RawImage => {
  const img = copyImage(BASE);
  drawButton(img, x, y);
  also?.(img);
  return img;
};
/** The row to click, where it was recorded, and after the list scrolled under the pointer. */
const LISTED = withButton(100, 100);
const SCROLLED = withButton(125, 112);
/** The guest's default selection: a highlight on another row. */
const DEFAULTED = withButton(100, 100, (img) => fillRect(img, 0, 200, 320, 20, [40, 40, 200]));
const AREA = 'areas:\n  - { x: 100, y: 100, width: 120, height: 40, margin: 30, clickPoint: { x: 10, y: 20 } }\n';

let project: TempProject;
afterEach(() => project?.remove());

async function rowGolden(): Promise<void> {
  await writePng(project.path('golden-screens/fake/row.png'), LISTED);
  project.write('golden-screens/fake/row.regions.yaml', AREA);
}

const clicks = (m: FakeMachine) => m.pointer.filter((e): e is Extract<FakePointerEvent, { kind: 'move' }> => e.kind === 'move');

describe('a click acts only on a screen that holds, after the guest answered', () => {
  /** The list scrolls 250 ms after the wheel turns: until then the old rows are on the screen. */
  const lateRedraw = () => ({
    timeline: [{ at: 0, frame: LISTED }],
    onPointer: (e: FakePointerEvent, m: FakeMachine) => {
      if (e.kind === 'scroll') setTimeout(() => m.apply({ frame: SCROLLED }), 250);
    },
  });

  it('after a scroll, clicks the row where the list redrew it, not where it was before', async () => {
    project = new TempProject();
    await rowGolden();
    const { results, machines } = await runFake(project, `${SCENARIO}  - scroll: 2\n  - click: row\n`, lateRedraw());
    expect(results[0]!.outcome).toBe('passed');
    expect(clicks(machines[0]!)).toEqual([{ kind: 'move', x: 135, y: 132 }]);
  });

  it('with hold: 0 the click goes where the row was before the redraw (the race)', async () => {
    project = new TempProject();
    await rowGolden();
    const { machines } = await runFake(project, `${SCENARIO}  - scroll: 2\n  - click: row\n    hold: 0\n`, lateRedraw());
    expect(clicks(machines[0]!)).toEqual([{ kind: 'move', x: 110, y: 120 }]);
  });

  /**
   * A guest that gets a fifth of a core: the list scrolls one notch at a time, each redraw taking
   * 500 ms of wall time, so the half-scrolled list holds longer than the hold. Until the last
   * redraw the guest is busy; then it idles in HLT.
   */
  const HALF_SCROLLED = withButton(112, 106);
  const starved = (cpuShare?: number) => ({
    ...(cpuShare === undefined ? {} : { cpuShare }),
    timeline: [{ at: 0, frame: LISTED, cpu: { halted: true, interrupts: true, state: 'idle' } }],
    onPointer: (e: FakePointerEvent, m: FakeMachine) => {
      if (e.kind !== 'scroll') return;
      m.apply({ cpu: { halted: false, interrupts: true, state: 'drawing' } });
      setTimeout(() => m.apply({ frame: HALF_SCROLLED }), 100);
      setTimeout(() => m.apply({ frame: SCROLLED, cpu: { halted: true, interrupts: true, state: 'idle' } }), 600);
    },
  });

  it('on a starved emulator, waits for the guest to finish the scroll, not for wall time', async () => {
    project = new TempProject();
    await rowGolden();
    const { results, machines } = await runFake(project, `${SCENARIO}  - scroll: 2
  - click: row
`, starved(0.2));
    expect(results[0]!.outcome).toBe('passed');
    expect(clicks(machines[0]!)).toEqual([{ kind: 'move', x: 135, y: 132 }]);
  });

  it('where the machine cannot tell its CPU time, the half-scrolled list that held is clicked (the race)', async () => {
    project = new TempProject();
    await rowGolden();
    const { machines } = await runFake(project, `${SCENARIO}  - scroll: 2
  - click: row
`, starved());
    expect(clicks(machines[0]!)).toEqual([{ kind: 'move', x: 122, y: 126 }]);
  });

  /**
   * A click at 5,5 opens the list; 150 ms after the list is first seen on a frame the guest
   * selects its default row, over whatever was clicked before.
   */
  const lateDefault = () => {
    const state = { selected: 'none', opened: false };
    return {
      state,
      script: {
        timeline: [{ at: 0, frame: BASE }],
        onPointer: (e: FakePointerEvent, m: FakeMachine) => {
          if (e.kind === 'move' && !state.opened) {
            state.opened = true;
            m.apply({ frame: LISTED });
            const shot = m.screenshot.bind(m);
            let timer: NodeJS.Timeout | undefined;
            m.screenshot = () => {
              timer ??= setTimeout(() => {
                state.selected = 'default';
                m.apply({ frame: DEFAULTED });
              }, 150);
              return shot();
            };
          } else if (e.kind === 'move' && e.x === 110 && e.y === 120) {
            state.selected = 'row';
          }
        },
      },
    };
  };

  it('a default selection drawn just after the list appeared does not undo the click', async () => {
    project = new TempProject();
    await rowGolden();
    const { state, script } = lateDefault();
    const { results } = await runFake(project, `${SCENARIO}  - click: {x: 5, y: 5}\n  - click: row\n`, script);
    expect(results[0]!.outcome).toBe('passed');
    expect(state.selected).toBe('row');
  });

  it('with hold: 0 the click lands before the default selection, which undoes it (the race)', async () => {
    project = new TempProject();
    await rowGolden();
    const { state, script } = lateDefault();
    await runFake(project, `${SCENARIO}  - click: {x: 5, y: 5}\n  - click: row\n    hold: 0\n`, script);
    // The guest goes on after the job's last step: its default selection is still to come.
    await delay(300);
    expect(state.selected).toBe('default');
  });

  it('a match on a screen that never stays the same is not acted on, and the timeout says so', async () => {
    project = new TempProject();
    await rowGolden();
    const spinner = Array.from({ length: 20 }, (_, i) => ({ at: 50 + i * 100, frame: withButton(100, 100, (img) => fillRect(img, 0, 0, 10, 10, [i * 10, 0, 0])) }));
    const { results, machines } = await runFake(project, `${SCENARIO}  - click: row\n    timeout: 1500ms\n`, { timeline: [{ at: 0, frame: LISTED }, ...spinner] });
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.message).toMatch(/row matched, but the screen did not stay the same for 300 ms/);
    expect(clicks(machines[0]!)).toEqual([]);
  });

  it('a waitAny branch holds as a click does: a dialog drawn a moment after the page takes its own branch', async () => {
    project = new TempProject();
    await rowGolden();
    const DIALOG = withButton(100, 100, (img) => fillRect(img, 90, 90, 140, 60, [90, 20, 20]));
    await writePng(project.path('golden-screens/fake/dialog.png'), DIALOG);
    const yaml = `${SCENARIO}  - waitAny:\n      - {screen: row, steps: []}\n      - {screen: dialog, steps: []}\n`;
    const { results } = await runFake(project, yaml, { timeline: [{ at: 0, frame: LISTED }, { at: 150, frame: DIALOG }] });
    expect(results[0]!.phases[0]!.steps[0]!.matched).toBe('dialog');
  });
});
