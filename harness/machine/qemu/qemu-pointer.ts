/**
 * The pointer through QMP `input-send-event`. Absolute devices (usb-tablet, vmmouse) take axes
 * 0..32767 over the whole console, which QEMU hands on unscaled; the PS/2 mouse takes relative
 * moves, one packet per command (each command ends with a sync), paced like a real mouse, and
 * its buttons change only once the guest has read the packets before them.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { GuestTurnSource } from '../guest-turn.js';
import type { PointerDevice } from '../profile.js';
import { absoluteAxis, checkPoint, type PointerButton } from '../pointer.js';
import { landPointer, PS2_PACKET_MS, type Delta, type PointerLanding } from '../pointer-landing.js';
import type { RawImage } from '../raw-image.js';
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
  hmp: MonitorLines,
  device: Exclude<PointerDevice, 'none'>,
  x: number,
  y: number,
  screen: { readonly size: { readonly width: number; readonly height: number }; readonly screenshot: () => Promise<RawImage> } & GuestTurnSource,
): Promise<PointerLanding | undefined> {
  checkPoint(x, y, screen.size);
  if (device !== 'ps2') {
    await qmp.execute('input-send-event', { events: absoluteMoveEvents(x, y, screen.size) });
    return undefined;
  }
  const send = async (deltas: readonly Delta[]): Promise<void> => {
    for (const [dx, dy] of deltas) {
      await qmp.execute('input-send-event', {
        events: [
          { type: 'rel', data: { axis: 'x', value: dx } },
          { type: 'rel', data: { axis: 'y', value: dy } },
        ],
      });
      await delay(PS2_PACKET_MS);
    }
    await drainPs2(hmp);
  };
  return landPointer({ ...screen, send }, x, y, screen.size);
}

/** The i8042's status port; bit 0: its output buffer holds a byte the guest has not read. */
const I8042_STATUS = 0x64;
/** How long a wait for the guest to read the PS/2 queue lasts before it goes on anyway. */
const PS2_DRAIN_TIMEOUT_MS = 1000;

/** Waits until the guest has read what the i8042 holds; a guest that reads nothing (no driver) is given up on after PS2_DRAIN_TIMEOUT_MS. */
async function drainPs2(hmp: MonitorLines): Promise<void> {
  const deadline = performance.now() + PS2_DRAIN_TIMEOUT_MS;
  while ((await readPort(hmp, I8042_STATUS)) & 0x01 && performance.now() < deadline) await delay(PS2_PACKET_MS);
}

/**
 * QEMU's PS/2 mouse sends the button state in a packet only while its queue (16 bytes) has room,
 * and otherwise keeps the state for the next event: a press and release made while a slow guest
 * has not read the packets before them reach it as one packet with the button up, and the click
 * is lost. So on PS/2 a button change first waits until the guest has read what the controller
 * holds.
 */
export async function qemuPointerButton(qmp: QmpClient, hmp: MonitorLines, device: Exclude<PointerDevice, 'none'>, button: PointerButton, down: boolean): Promise<void> {
  if (device === 'ps2') await drainPs2(hmp);
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
