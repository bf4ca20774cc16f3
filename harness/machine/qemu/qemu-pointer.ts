/**
 * The pointer through QMP `input-send-event`. Absolute devices (usb-tablet, vmmouse) take axes
 * 0..32767 over the whole console, which QEMU hands on unscaled; the PS/2 mouse takes relative
 * moves, one packet per command (each command ends with a sync), paced like a real mouse, and
 * its buttons change only once the guest has read the packets before them.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { PointerDevice } from '../profile.js';
import { absoluteAxis, checkPoint, PS2_PACKET_MS, PS2_STEP_PX, relativeWalk, type PointerButton } from '../pointer.js';
import { readPort, type MonitorLines } from './port-io.js';
import type { QmpClient } from './qmp-client.js';

/** QEMU's absolute axis range (INPUT_EVENT_ABS_MAX). */
export const QEMU_ABS_MAX = 0x7fff;

type InputEvent =
  | { readonly type: 'abs' | 'rel'; readonly data: { readonly axis: 'x' | 'y'; readonly value: number } }
  | { readonly type: 'btn'; readonly data: { readonly button: string; readonly down: boolean } };

/** The `input-send-event` events that put an absolute pointer on pixel (x, y) of a width×height console. */
export function absoluteMoveEvents(x: number, y: number, size: { readonly width: number; readonly height: number }): InputEvent[] {
  return [
    { type: 'abs', data: { axis: 'x', value: absoluteAxis(x, size.width, QEMU_ABS_MAX) } },
    { type: 'abs', data: { axis: 'y', value: absoluteAxis(y, size.height, QEMU_ABS_MAX) } },
  ];
}

export async function qemuPointerMove(
  qmp: QmpClient,
  device: Exclude<PointerDevice, 'none'>,
  x: number,
  y: number,
  size: { readonly width: number; readonly height: number },
): Promise<void> {
  checkPoint(x, y, size);
  if (device !== 'ps2') {
    await qmp.execute('input-send-event', { events: absoluteMoveEvents(x, y, size) });
    return;
  }
  for (const [dx, dy] of relativeWalk(x, y, size, PS2_STEP_PX)) {
    await qmp.execute('input-send-event', {
      events: [
        { type: 'rel', data: { axis: 'x', value: dx } },
        { type: 'rel', data: { axis: 'y', value: dy } },
      ],
    });
    await delay(PS2_PACKET_MS);
  }
}

/** The i8042's status port; bit 0: its output buffer holds a byte the guest has not read. */
const I8042_STATUS = 0x64;
/** How long a button change waits for the guest to read the PS/2 queue before it goes anyway. */
const PS2_DRAIN_TIMEOUT_MS = 1000;

/**
 * QEMU's PS/2 mouse sends the button state in a packet only while its queue (16 bytes) has room,
 * and otherwise keeps the state for the next event: a press and release made while a slow guest
 * has not read the packets before them reach it as one packet with the button up, and the click
 * is lost. So on PS/2 a button change first waits until the guest has read what the controller
 * holds; a guest that reads nothing (no driver) gets it after PS2_DRAIN_TIMEOUT_MS anyway.
 */
export async function qemuPointerButton(qmp: QmpClient, hmp: MonitorLines, device: Exclude<PointerDevice, 'none'>, button: PointerButton, down: boolean): Promise<void> {
  if (device === 'ps2') {
    const deadline = performance.now() + PS2_DRAIN_TIMEOUT_MS;
    while ((await readPort(hmp, I8042_STATUS)) & 0x01 && performance.now() < deadline) await delay(PS2_PACKET_MS);
  }
  await qmp.execute('input-send-event', { events: [{ type: 'btn', data: { button, down } }] });
}

/** A wheel notch is a press and release of QEMU's wheel-up/wheel-down button. */
export async function qemuPointerScroll(qmp: QmpClient, notches: number): Promise<void> {
  const button = notches > 0 ? 'wheel-down' : 'wheel-up';
  for (let n = Math.abs(Math.trunc(notches)); n > 0; n--) {
    await qmp.execute('input-send-event', { events: [{ type: 'btn', data: { button, down: true } }] });
    await qmp.execute('input-send-event', { events: [{ type: 'btn', data: { button, down: false } }] });
  }
}
