/**
 * The messages between V86Machine (main thread) and its worker. Typed once here so both sides
 * agree; everything crosses the thread boundary by structured clone.
 */
import type { Chord } from '../keys.js';
import type { CpuSample } from '../machine.js';
import type { PointerButton } from '../pointer.js';
import type { RawImage } from '../raw-image.js';
import type { V86OptionsJson } from './v86-options.js';

export interface V86WorkerData {
  readonly options: V86OptionsJson;
  /** Write the guest's disk back to this file when stopped on request (a per-job writable disk). */
  readonly writeBackDisk?: string;
  /** The TS source to import when the worker runs from source under the dev loader. */
  readonly entry?: string;
}

/** The pointers v86 has: which one a pointer request drives decides v86's pointer lock (v86-worker.ts). */
export type V86PointerDevice = 'ps2' | 'vmmouse';

export type V86Request =
  | { readonly type: 'text-screen' }
  /** `since`: the shot the main thread holds; a text screen unchanged since then comes back without an image. */
  | { readonly type: 'screenshot'; readonly since?: number }
  | { readonly type: 'press'; readonly chord: Chord }
  /** Chords, not text: the main thread turns text into keys so a bad character is a ConfigError there. */
  | { readonly type: 'type'; readonly chords: readonly Chord[]; readonly msPerChar: number }
  | { readonly type: 'serial'; readonly text: string }
  /** The vmmouse to (x, y) on a width×height screen. */
  | { readonly type: 'pointer-absolute'; readonly x: number; readonly y: number; readonly width: number; readonly height: number }
  /** PS/2 packets, one per delta (screen pixels, y down), paced like a mouse: the main thread walks the pointer with them. */
  | { readonly type: 'pointer-deltas'; readonly deltas: ReadonlyArray<readonly [number, number]> }
  | { readonly type: 'pointer-button'; readonly device: V86PointerDevice; readonly button: PointerButton; readonly down: boolean }
  | { readonly type: 'pointer-scroll'; readonly device: V86PointerDevice; readonly notches: number }
  | { readonly type: 'reset' }
  | { readonly type: 'stats' }
  | { readonly type: 'cpu-sample' }
  /** Writes save_state() to this file; the emulator runs on. */
  | { readonly type: 'save-state'; readonly file: string }
  | { readonly type: 'stop' };

export interface V86WorkerStats {
  /** Guest instructions since boot, unwrapped (v86's own counter wraps at 2^32). */
  readonly instructions: number;
  /** `process.memoryUsage()` inside the worker: heap and external are this isolate's own. */
  readonly memory: NodeJS.MemoryUsage;
  /** Peak of heapTotal + external, sampled every second. */
  readonly peakOwnBytes: number;
  readonly wasmMemoryBytes: number;
}

/**
 * Screen reads and inputs carry the guest instruction count (unwrapped) at the moment the
 * worker read the screen or handed the input to the guest: v86's guest clock.
 */
export interface V86Replies {
  'text-screen': { readonly rows: string[] | undefined; readonly instructions: number };
  screenshot: { readonly image?: RawImage; readonly shot: number; readonly instructions: number };
  press: number;
  type: number;
  serial: number;
  'pointer-absolute': number;
  'pointer-deltas': number;
  'pointer-button': number;
  'pointer-scroll': number;
  reset: number;
  stats: V86WorkerStats;
  'cpu-sample': CpuSample;
  'save-state': void;
  stop: void;
}

export type V86WorkerMessage =
  | { readonly type: 'started' }
  /** `instructions[i]`: the guest instruction count when it wrote `bytes[i]`. */
  | { readonly type: 'serial-output'; readonly bytes: Uint8Array; readonly instructions: Float64Array }
  /** Every second: so the figures (and the peak) survive a crash of the emulator. */
  | { readonly type: 'sample'; readonly stats: V86WorkerStats }
  | { readonly type: 'reply'; readonly id: number; readonly value?: unknown }
  | { readonly type: 'reply-error'; readonly id: number; readonly message: string }
  /** The guest reset the machine (not bootgate's reset request). */
  | { readonly type: 'guest-reset' }
  /** The emulator threw and the worker is about to die. */
  | { readonly type: 'crash'; readonly message: string };

export type V86RequestEnvelope = V86Request & { readonly id: number };
