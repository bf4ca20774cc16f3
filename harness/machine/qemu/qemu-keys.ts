/**
 * Keys through QMP `send-key`. Canonical key names are QEMU qcodes (keys.ts), so a chord maps
 * one to one. QEMU queues each press, the hold, and the release in order, so chords sent one
 * after another never overlap.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { chordsForText, type Chord } from '../keys.js';
import type { QmpClient } from './qmp-client.js';

/** How long a pressed chord is held: long enough for any BIOS or DOS keyboard loop to see it. */
export const CHORD_HOLD_MS = 50;

export function sendKeyArgs(chord: Chord, holdMs: number): Record<string, unknown> {
  return { keys: chord.map((name) => ({ type: 'qcode', data: name })), 'hold-time': holdMs };
}

export async function pressChord(qmp: QmpClient, chord: Chord, holdMs = CHORD_HOLD_MS): Promise<void> {
  if (chord.length === 0) return;
  await qmp.execute('send-key', sendKeyArgs(chord, holdMs));
}

/**
 * Types text one character per `msPerChar`. Each key is held for at most half the pause, so
 * the release is in the guest's buffer before the next press arrives.
 */
export async function typeText(qmp: QmpClient, text: string, msPerChar: number): Promise<void> {
  const holdMs = Math.max(1, Math.min(CHORD_HOLD_MS, Math.floor(msPerChar / 2)));
  // Map every character first: text with an untypeable character is refused before any key goes out.
  for (const chord of chordsForText(text)) {
    await qmp.execute('send-key', sendKeyArgs(chord, holdMs));
    await delay(msPerChar);
  }
}
