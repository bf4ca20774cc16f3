import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import { FakeMachine } from '../../harness/machine/fake/fake-machine.js';
import { absoluteAxis, clickAt, requirePointer } from '../../harness/machine/pointer.js';
import { pinDeltas, stepDeltas } from '../../harness/machine/pointer-landing.js';
import { absoluteMoveEvents, QEMU_ABS_MAX } from '../../harness/machine/qemu/qemu-pointer.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { loadProfileFile, PROJECT_VM_CONFIGS } from '../../harness/vm-config/load-profile.js';

const p3 = loadProfileFile(join(PROJECT_VM_CONFIGS, 'p3-i440fx.yaml'));
const frame = (width: number, height: number): RawImage => ({ width, height, data: new Uint8Array(width * height * 4) });

describe('absoluteAxis', () => {
  it('lands every pixel back on itself under both ways guests map an absolute axis back', () => {
    for (const size of [640, 720, 800, 1024, 1280]) {
      for (let pixel = 0; pixel < size; pixel++) {
        const value = absoluteAxis(pixel, size, QEMU_ABS_MAX);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(QEMU_ABS_MAX);
        expect(Math.floor((value * size) / (QEMU_ABS_MAX + 1))).toBe(pixel);
        expect(Math.abs(Math.round((value * (size - 1)) / QEMU_ABS_MAX) - pixel)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('gives QEMU both axes of the screen as it is', () => {
    expect(absoluteMoveEvents(0, 767, { width: 1024, height: 768 })).toEqual([
      { type: 'abs', data: { axis: 'x', value: 16 } },
      { type: 'abs', data: { axis: 'y', value: absoluteAxis(767, 768, QEMU_ABS_MAX) } },
    ]);
  });
});

describe('the PS/2 walk', () => {
  it('pins past the far corner, then steps to the pixel without a step over the limit', () => {
    const homing = pinDeltas({ width: 800, height: 600 });
    expect(homing.every(([dx, dy]) => dx < 0 && dy < 0)).toBe(true);
    expect(homing.reduce((sum, [dx]) => sum + dx, 0)).toBeLessThanOrEqual(-1600);
    const steps = stepDeltas(301, 7, 4);
    expect(steps.every(([dx, dy]) => dx >= 0 && dy >= 0 && dx <= 4 && dy <= 4)).toBe(true);
    expect(steps.reduce((sum, [dx]) => sum + dx, 0)).toBe(301);
    expect(steps.reduce((sum, [, dy]) => sum + dy, 0)).toBe(7);
  });

  it('steps back as well as forward', () => {
    const steps = stepDeltas(-5, 3, 1);
    expect(steps).toHaveLength(5);
    expect(steps.reduce((sum, [dx]) => sum + dx, 0)).toBe(-5);
    expect(steps.reduce((sum, [, dy]) => sum + dy, 0)).toBe(3);
  });
});

describe('pointer on the fake machine', () => {
  it('records moves, buttons and scrolls; clickAt moves first and double-clicks as two clicks', async () => {
    const machine = new FakeMachine('qemu', { timeline: [{ at: 0, frame: frame(64, 48) }] }, { profile: p3, media: {}, workDir: '/w' });
    await machine.start();
    await clickAt(machine, 10, 20, 'right', { double: true });
    await machine.pointerScroll(-2);
    expect(machine.pointer).toEqual([
      { kind: 'move', x: 10, y: 20 },
      { kind: 'button', button: 'right', down: true },
      { kind: 'button', button: 'right', down: false },
      { kind: 'button', button: 'right', down: true },
      { kind: 'button', button: 'right', down: false },
      { kind: 'scroll', notches: -2 },
    ]);
  });

  it('refuses a point off the screen and a profile without a pointer, naming the field', async () => {
    const machine = new FakeMachine('qemu', { timeline: [{ at: 0, frame: frame(64, 48) }] }, { profile: { ...p3, pointer: 'none' }, media: {}, workDir: '/w' });
    await machine.start();
    await expect(machine.pointerMove(1, 1)).rejects.toThrow(/^pointer: profile p3-i440fx has no pointing device/);
    expect(() => requirePointer({ ...p3, pointer: 'none' })).toThrow(ConfigError);
    const ok = new FakeMachine('qemu', { timeline: [{ at: 0, frame: frame(64, 48) }] }, { profile: p3, media: {}, workDir: '/w' });
    await ok.start();
    await expect(ok.pointerMove(64, 0)).rejects.toThrow(/not a pixel of the 64×48 screen/);
    expect(machine.pointer).toEqual([]);
  });
});
