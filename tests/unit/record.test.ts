/**
 * The recorder on the fake machine: which waits it puts before actions, the golden it cuts
 * around a clicked widget, undo, and what save writes (goldens, then the YAML; in place, the
 * scenario's own text kept). The page's key mapping too. The real page and real guests are in
 * tests/integration/record.test.ts.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { recordCommand } from '../../harness/cli/record-command.js';
import { FakeMachine } from '../../harness/machine/fake/fake-machine.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { keyAction } from '../../harness/pages/key-chord.js';
import { RecordedScenario } from '../../harness/record/recorded-scenario.js';
import { Recorder } from '../../harness/record/recorder.js';
import { clickTarget, screenWait } from '../../harness/record/step-suggestion.js';
import { PointerTracker } from '../../harness/repro/pointer-tracker.js';
import { GoldenStore } from '../../harness/screen/golden-store.js';
import { readPng } from '../../harness/screen/png-file.js';
import { writeResults } from '../../harness/report/json-reporter.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { runFake } from '../support/fake-jobs.js';
import { poll } from '../support/poll.js';
import { TempProject } from '../support/temp-project.js';

/** A grey 200×100 screen with a button (a 40×20 box at 60,40: a dark 2-px border, a light face), and a red 10×10 mark at `mark`. */
function screen(mark?: { x: number; y: number }): RawImage {
  const [w, h] = [200, 100];
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const border = x >= 60 && x < 100 && y >= 40 && y < 60;
      const face = x >= 62 && x < 98 && y >= 42 && y < 58;
      const v = face ? 220 : border ? 30 : 128;
      const marked = mark && x >= mark.x && x < mark.x + 10 && y >= mark.y && y < mark.y + 10;
      data.set(marked ? [255, 0, 0, 255] : [v, v, v, 255], (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data };
}

let project: TempProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

describe('what the recorder suggests', () => {
  it('waits on a text screen for its last new line, or on the first look for its first line', () => {
    const menu = { frame: screen(), text: ['', '  GNU GRUB  version 2', 'menu entry'] };
    const prompt = { frame: screen(), text: ['  GNU GRUB  version 2', 'Minimal BASH-like', 'grub> '] };
    expect(screenWait(undefined, menu)).toEqual({ kind: 'text', text: 'GNU GRUB  version 2' });
    expect(screenWait(menu, prompt)).toEqual({ kind: 'text', text: 'grub>' });
    expect(screenWait(prompt, prompt)).toBeUndefined();
  });

  it('waits on a graphical screen for a region golden of what changed, never on the first look', () => {
    const before = { frame: screen() };
    expect(screenWait(undefined, before)).toBeUndefined();
    expect(screenWait(before, { frame: screen() })).toBeUndefined();
    // A 10×10 change grows to 24×24 about its centre.
    expect(screenWait(before, { frame: screen({ x: 150, y: 10 }) })).toEqual({ kind: 'region', area: { x: 143, y: 3, width: 24, height: 24 } });
    // The pointer's cursor is no change, where it is now and where it was.
    expect(screenWait(before, { frame: screen({ x: 150, y: 10 }), pointer: { x: 150, y: 10 } })).toBeUndefined();
    expect(screenWait({ frame: screen({ x: 150, y: 10 }), pointer: { x: 150, y: 10 } }, { frame: screen(), pointer: { x: 5, y: 5 } })).toBeUndefined();
  });

  it('aims a click on a graphical screen at the widget around the point, on a text screen at the point', () => {
    const target = clickTarget({ frame: screen() }, 70, 50);
    expect(target).toMatchObject({ kind: 'region', snapped: true, area: { x: 60, y: 40, width: 40, height: 20, clickPoint: { x: 10, y: 10 } } });
    expect(clickTarget({ frame: screen(), text: ['x'] }, 70, 50)).toEqual({ kind: 'point', x: 70, y: 50 });
  });
});

describe('a recording on the fake machine', () => {
  it('puts the wait for the screen before each key, merges typing, and closes with the last screen', async () => {
    const machine = new FakeMachine('qemu', {
      timeline: [{ at: 0, text: ['GNU GRUB', 'menu'], frame: screen() }],
      onKeys: (chord, m) => (chord.join('-') === 'c' ? m.apply({ text: ['GNU GRUB', 'grub>'] }) : undefined),
      onType: (text, m) => (text.endsWith('\n') ? m.apply({ text: ['GNU GRUB', 'grub> ls', '(cd0) (fd0)', 'grub>'] }) : undefined),
    });
    await machine.start();
    const pointer = new PointerTracker();
    const recorder = new Recorder(pointer.track(machine), pointer, 'main', () => false);
    await recorder.press(['c']);
    await recorder.type('l');
    await recorder.type('s\n'); // within the typing gap: the same step
    await recorder.closeLastWait();
    expect(recorder.entries.flatMap((e) => e.steps)).toEqual([{ waitText: 'GNU GRUB' }, { press: 'c' }, { waitText: 'grub>' }, { type: 'ls\n' }, { waitText: '(cd0) (fd0)' }]);
    expect(recorder.undo()).toMatch(/removed waitText "\(cd0\) \(fd0\)"/);
    expect(recorder.undo()).toMatch(/removed type "ls\\n"/);
    expect(recorder.entries.flatMap((e) => e.steps)).toEqual([{ waitText: 'GNU GRUB' }, { press: 'c' }]);
    await expect(recorder.press(['nosuchkey'])).rejects.toThrow(/unknown key "nosuchkey"/);
    await machine.stop();
  });

  it('with the toggle on, writes a click on a labelled widget by its words, read by OCR, and falls back to a golden where none are read', async () => {
    const frame = await readPng(join(import.meta.dirname, '../fixtures/ocr/select-language-qemu.png'));
    const machine = new FakeMachine('qemu', { timeline: [{ at: 0, text: null, frame }] });
    await machine.start();
    const pointer = new PointerTracker();
    const recorder = new Recorder(pointer.track(machine), pointer, 'main', () => false);
    try {
      // Continue, read at 1188,769 62x10 (the corpus' ground truth); the click is on its button, off the word.
      expect(await recorder.click(1240, 778, 'left', false, true)).toBe('click "Continue"');
      // A row of the language list is labelled too; the empty bar between the buttons is not.
      expect(await recorder.click(900, 600, 'left', false, true)).toBe('click "Georgian"');
      expect(await recorder.click(600, 785, 'left', false, true)).toMatch(/^click click-\d+ \(no label read there: a golden\)$/);
      // Without the toggle, the same button is a golden.
      expect(await recorder.click(1240, 778, 'left', false)).toMatch(/^click click-\d+$/);
      expect(recorder.entries.flatMap((e) => e.steps)[0]).toEqual({ click: { text: 'Continue' } });
    } finally {
      await recorder.stop();
      await machine.stop();
    }
  }, 60_000);

  it('cuts a region golden around a clicked widget and saves it with the scenario, atomically and where run reads it', async () => {
    project = new TempProject();
    project.write('package.json', '{}');
    const machine = new FakeMachine('qemu', { timeline: [{ at: 0, text: null, frame: screen() }], onPointer: (e, m) => (e.kind === 'button' && !e.down ? m.apply({ frame: screen({ x: 150, y: 10 }) }) : undefined) });
    await machine.start();
    const pointer = new PointerTracker();
    const out = project.path('clicks.yaml');
    const store = new GoldenStore(project.path('golden-screens'), 'clicks', 'qemu', 'missing');
    const recorded = new RecordedScenario(out, { kind: 'image', role: 'cdrom', image: project.path('disk.img'), backend: 'qemu' }, store);
    const recorder = new Recorder(pointer.track(machine), pointer, 'main', (n) => recorded.taken(n));
    expect(await recorder.click(70, 50, 'left', false)).toBe('click click-1');
    await recorder.assertStill();
    const saved = await recorded.save(recorder);
    // The assertion comes after the wait for what the click changed (the red mark).
    expect(saved.goldens).toEqual([store.ownPath('click-1'), store.ownPath('screen-2')]);
    expect(parse(readFileSync(out, 'utf8'))).toEqual({ image: { cdrom: 'disk.img' }, backends: ['qemu'], steps: [{ click: 'click-1' }, { waitScreen: 'screen-2' }, { waitStill: '1s' }] });
    expect(parse(readFileSync(store.ownPath('click-1').replace(/\.png$/, '.regions.yaml'), 'utf8'))).toEqual({ areas: [{ x: 60, y: 40, width: 40, height: 20, clickPoint: { x: 10, y: 10 } }], excludes: [] });
    // Undone after the save: the next save takes the goldens away again.
    recorder.undo();
    recorder.undo();
    recorder.undo();
    await recorder.assertStill();
    await recorded.save(recorder);
    expect(existsSync(store.ownPath('click-1'))).toBe(false);
    expect(existsSync(store.ownPath('screen-2'))).toBe(false);
    expect(parse(readFileSync(out, 'utf8')).steps).toEqual([{ waitStill: '1s' }]);
    await machine.stop();
  });

  it('appends to a scenario in place: its steps become phase main, its comments stay', async () => {
    project = new TempProject();
    const file = project.write('s.yaml', '# the boot\nimage: {cdrom: disk.img}\nsteps:\n  - waitText: GNU GRUB # the menu\n');
    const machine = new FakeMachine('qemu', { timeline: [{ at: 0, text: ['GNU GRUB', 'menu'], frame: screen() }] });
    await machine.start();
    const pointer = new PointerTracker();
    const recorded = new RecordedScenario(file, { kind: 'append' }, new GoldenStore(project.path('golden-screens'), 's', 'qemu', 'missing'));
    const recorder = new Recorder(machine, pointer, 'recorded', () => false);
    await recorder.press(['c']);
    await recorded.save(recorder);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# the boot');
    expect(text).toContain('# the menu');
    expect(parse(text).phases).toEqual([
      { name: 'main', steps: [{ waitText: 'GNU GRUB' }] },
      { name: 'recorded', steps: [{ waitText: 'GNU GRUB' }, { press: 'c' }] },
    ]);
    await machine.stop();
  });
});

describe("the page's keys", () => {
  it('types text, presses chords, and ignores a modifier alone', () => {
    const key = (k: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => keyAction({ key: k, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...mods });
    expect(key('c')).toEqual({ type: 'c' });
    expect(key('A', { shiftKey: true })).toEqual({ type: 'A' });
    expect(key('Enter')).toEqual({ type: '\n' });
    expect(key('Delete', { ctrlKey: true, altKey: true })).toEqual({ press: 'ctrl-alt-delete' });
    expect(key('c', { ctrlKey: true })).toEqual({ press: 'ctrl-c' });
    expect(key('F2')).toEqual({ press: 'f2' });
    expect(key('ArrowDown')).toEqual({ press: 'down' });
    expect(key('Shift', { shiftKey: true })).toBeUndefined();
  });
});

describe('record --from-report', () => {
  it("starts at a failed job's saved state, where the step fails again, and appends what is recorded to its scenario", async () => {
    project = new TempProject();
    const yaml = 'image: {cdrom: ../disk.img}\nsteps:\n  - waitText: GNU GRUB\n  - waitText: grub>\n    timeout: 300ms\n';
    const script = { timeline: [{ at: 0, text: ['GNU GRUB', 'menu'], frame: screen() }], onKeys: (chord: readonly string[], m: FakeMachine) => (chord.join('-') === 'c' ? m.apply({ text: ['GNU GRUB', 'grub>'] }) : undefined) };
    const failed = await runFake(project, yaml, script, { saveStateOnFailure: true });
    expect(failed.results[0]!.outcome).toBe('failed');
    writeResults(buildRunResult(failed.results, new Date(), 1, { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 }), join(failed.reportDir, 'results.json'));

    let out = '';
    const restored: (string | undefined)[] = [];
    const session = recordCommand(
      undefined,
      { fromReport: failed.reportDir, job: failed.results[0]!.id },
      {
        createMachine: (backend, spec) => {
          restored.push(spec.restoreFrom);
          return new FakeMachine(backend, script, spec);
        },
        output: { write: (t: string) => (out += t) },
      },
    );
    await poll('the address', async () => /FAILED: [\s\S]*http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)?.[0], { timeoutMs: 10_000, everyMs: 50 });
    const url = new URL(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)![0]);
    const act = async (body: object) => (await (await fetch(new URL(`/action${url.search}`, url), { method: 'POST', body: JSON.stringify(body) })).json()) as { message?: string; error?: string };
    expect(await act({ kind: 'press', chords: ['c'] })).toEqual({ message: 'press c' });
    expect((await act({ kind: 'save' })).message).toMatch(/^saved .*fake\.yaml/);
    await act({ kind: 'quit' });
    expect(await session).toBe(0);
    expect(restored).toEqual([join(failed.reportDir, 'jobs', failed.results[0]!.id, 'state')]);
    expect(parse(readFileSync(project.path('scenarios/fake.yaml'), 'utf8')).phases[1]).toEqual({ name: 'recorded', steps: [{ waitText: 'GNU GRUB' }, { press: 'c' }, { waitText: 'grub>' }] });
    rmSync(failed.reportDir, { recursive: true, force: true });
  });
});
