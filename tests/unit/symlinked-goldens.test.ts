/**
 * A golden that is a symlink is read through it, and an update mode replaces the link with a
 * file of its own: the link's target (perhaps another scenario's golden, or a file outside the
 * project) is never written.
 */
import { lstatSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { readPng, writePng } from '../../harness/screen/png-file.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const frame = (shade: number): RawImage => ({ width: 4, height: 2, data: Uint8Array.from({ length: 32 }, (_, i) => (i % 4 === 3 ? 255 : (i * 8 + shade) % 256)) });
const OLD = frame(0);
const NEW = frame(100);
const SCENARIO = 'image: {cdrom: ../disk.img}\nstepTimeout: 2s\nsteps:\n  - waitScreen: {golden: menu, settle: 100ms}\n';

/** golden-screens/fake/menu.qemu.png → shared/menu.png (holding OLD); returns the target's bytes. */
async function linkedGolden(): Promise<{ link: string; target: string; pristine: Buffer }> {
  const target = project.path('shared/menu.png');
  await writePng(target, OLD);
  const link = project.path('golden-screens/fake/menu.qemu.png');
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link);
  return { link, target, pristine: readFileSync(target) };
}

describe('a golden that is a symlink', () => {
  it('is read through the link', async () => {
    project = new TempProject();
    const { link } = await linkedGolden();
    const { results } = await runFake(project, SCENARIO, { timeline: [{ at: 0, frame: OLD }] });
    expect(results[0]!.outcome).toBe('passed');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it.each(['changed', 'all'] as const)('--update-goldens=%s replaces the link with a file and leaves its target byte-identical', async (updateMode) => {
    project = new TempProject();
    const { link, target, pristine } = await linkedGolden();
    const { results } = await runFake(project, SCENARIO, { timeline: [{ at: 0, frame: NEW }] }, { updateMode });
    expect(results[0]!.outcome, results[0]!.error?.message).toBe('passed');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect((await readPng(link)).data).toEqual(NEW.data);
    expect(readFileSync(target).equals(pristine)).toBe(true);
  });

  it('--update-goldens=missing keeps the link and its target', async () => {
    project = new TempProject();
    const { link, target, pristine } = await linkedGolden();
    const { results } = await runFake(project, SCENARIO, { timeline: [{ at: 0, frame: NEW }] }, { updateMode: 'missing' });
    expect(results[0]!.outcome).toBe('failed');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target).equals(pristine)).toBe(true);
  });
});
