/**
 * A scripted machine for unit tests: it shows serial output, text screens and frames at given
 * times, reacts to input through callbacks, and can crash or refuse to start — everything the
 * engine must handle, without an emulator.
 */
import type { Chord } from '../keys.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendName, CpuSample, CursorCell, Machine, MachineExit, MachineSpec, MachineStats } from '../machine.js';
import type { RawImage } from '../raw-image.js';
import { SerialLog } from '../serial-log.js';
import { CountingGuestClock } from '../counting-guest-clock.js';
import { MachineCrashedError } from '../../errors.js';
import { checkPoint, requirePointer, type PointerButton } from '../pointer.js';
import type { PointerLanding } from '../pointer-landing.js';

export interface FakeEvent {
  /** Milliseconds after start(). */
  readonly at: number;
  readonly serial?: string;
  /** The text screen from now on; `null` switches to a graphics mode. */
  readonly text?: readonly string[] | null;
  readonly frame?: RawImage;
  /** Where the text cursor blinks from now on (as QEMU blinks it in screenshots); `null`: nowhere. */
  readonly cursor?: CursorCell | null;
  /** The emulator dies with this reason. */
  readonly crash?: string;
  /** The guest's instruction count from this event on (its serial bytes, screens and inputs get it). */
  readonly instructions?: number;
  /** What cpuSample() says from now on; until the first, a CPU that works (its state changes at every look). */
  readonly cpu?: Omit<CpuSample, 'at' | 'strayed'> & { readonly strayed?: boolean };
  /** The guest resets the machine (a triple fault). */
  readonly guestReset?: true;
}

export type FakePointerEvent =
  | { readonly kind: 'move'; readonly x: number; readonly y: number }
  | { readonly kind: 'button'; readonly button: PointerButton; readonly down: boolean }
  | { readonly kind: 'scroll'; readonly notches: number };

export interface FakeScript {
  readonly timeline?: readonly FakeEvent[];
  readonly onKeys?: (chord: Chord, machine: FakeMachine) => void;
  readonly onType?: (text: string, machine: FakeMachine) => void;
  readonly onSerialIn?: (text: string, machine: FakeMachine) => void;
  readonly onReset?: (machine: FakeMachine) => void;
  readonly onPointer?: (event: FakePointerEvent, machine: FakeMachine) => void;
  /** start() rejects with this. */
  readonly startError?: Error;
  readonly rssBytes?: number;
  /** The guest clock misses every serial byte, as a QEMU log that disagrees with the serial log does. */
  readonly uncountedSerial?: boolean;
  /** Called halfway through saveState(): its own file is written, and the save ends when this settles. */
  readonly onSave?: (dir: string, machine: FakeMachine) => Promise<void> | void;
  /** The share of a core the emulator gets from a busy host: cpuTimeMs() counts at this rate from start(). Without it the machine has no cpuTimeMs(). */
  readonly cpuShare?: number;
}

const FAKE_STATE_FILE = 'machine.fake.json';

export const BLANK_FRAME: RawImage = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 4).fill(255) };

export class FakeMachine implements Machine {
  readonly serial = new SerialLog();
  readonly exited: Promise<MachineExit>;
  readonly guestClock = new CountingGuestClock();
  /** What the guest has executed so far, as the script says. */
  instructions = 0;
  readonly keys: Chord[] = [];
  readonly typed: string[] = [];
  readonly serialIn: string[] = [];
  /** Pointer input in order; a move is where the pointer went, in pixels of the frame shown then. */
  readonly pointer: FakePointerEvent[] = [];
  started = false;
  stopped = false;
  /** Folders saveState() wrote, and the one this machine was restored from. */
  readonly saves: string[] = [];
  restoredFrom: string | undefined;
  resets = 0;
  private text: readonly string[] | null = [''];
  private frame: RawImage = BLANK_FRAME;
  private cursor: CursorCell | null = null;
  private cpu: FakeEvent['cpu'];
  private looks = 0;
  private readonly resetListeners = new Set<() => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private resolveExit!: (exit: MachineExit) => void;
  private dead = false;
  private startedAt = 0;
  readonly cpuTimeMs?: () => Promise<number>;

  constructor(
    readonly backend: BackendName,
    private readonly script: FakeScript = {},
    private readonly spec?: MachineSpec,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    const share = script.cpuShare;
    if (share !== undefined) this.cpuTimeMs = async () => share * (performance.now() - this.startedAt);
  }

  async start(): Promise<void> {
    if (this.script.startError) throw this.script.startError;
    this.started = true;
    this.startedAt = performance.now();
    if (this.spec?.restoreFrom) {
      const saved = JSON.parse(readFileSync(join(this.spec.restoreFrom, FAKE_STATE_FILE), 'utf8')) as { text: string[] | null };
      this.restoredFrom = this.spec.restoreFrom;
      this.text = saved.text;
    }
    for (const event of this.script.timeline ?? []) {
      // Events at 0 are the state the machine starts in, not a race with the first probe.
      if (event.at === 0) this.apply(event);
      else this.timers.push(setTimeout(() => this.apply(event), event.at));
    }
  }

  /** Applies an event now (used by timeline timers and by reaction callbacks). */
  apply(event: Omit<FakeEvent, 'at'>): void {
    if (this.dead) return;
    if (event.instructions !== undefined) this.instructions = event.instructions;
    if (event.serial !== undefined) {
      if (!this.script.uncountedSerial) this.guestClock.recordSerial(new Float64Array(event.serial.length).fill(this.instructions));
      this.serial.append(event.serial);
    }
    if (event.text !== undefined) this.text = event.text;
    if (event.frame) this.frame = event.frame;
    if (event.cursor !== undefined) this.cursor = event.cursor;
    if (event.cpu) this.cpu = event.cpu;
    if (event.guestReset) for (const listener of this.resetListeners) listener();
    if (event.crash) this.end({ requested: false, reason: event.crash });
  }

  async textScreen(): Promise<string[] | undefined> {
    this.assertAlive();
    if (!this.text) return undefined;
    const rows = [...this.text];
    this.guestClock.recordScreen(rows, this.instructions);
    return rows;
  }

  async peekText(): Promise<string | undefined> {
    return (await this.textScreen())?.join('\n');
  }

  async screenshot(): Promise<RawImage> {
    this.assertAlive();
    const frame = { ...this.frame };
    this.guestClock.recordScreen(frame, this.instructions);
    return frame;
  }

  async blinkingCursor(): Promise<CursorCell | undefined> {
    this.assertAlive();
    return this.cursor ?? undefined;
  }

  async cpuSample(): Promise<CpuSample> {
    this.assertAlive();
    this.looks++;
    return { strayed: false, ...(this.cpu ?? { halted: false, interrupts: true, state: `working ${this.looks}` }), at: '0000:00007c00' };
  }

  onGuestReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  async pressKeys(chord: Chord): Promise<void> {
    this.assertAlive();
    this.keys.push(chord);
    this.guestClock.recordInput(this.instructions);
    this.script.onKeys?.(chord, this);
  }

  async typeText(text: string): Promise<void> {
    this.assertAlive();
    this.typed.push(text);
    this.guestClock.recordInput(this.instructions);
    this.script.onType?.(text, this);
  }

  async sendSerial(text: string): Promise<void> {
    this.assertAlive();
    this.serialIn.push(text);
    this.guestClock.recordInput(this.instructions);
    this.script.onSerialIn?.(text, this);
  }

  async pointerMove(x: number, y: number): Promise<PointerLanding | undefined> {
    this.pointerInput({ kind: 'move', x, y });
    return undefined;
  }

  async pointerButton(button: PointerButton, down: boolean): Promise<void> {
    this.pointerInput({ kind: 'button', button, down });
  }

  async pointerScroll(notches: number): Promise<void> {
    this.pointerInput({ kind: 'scroll', notches });
  }

  /** Refused as the real backends refuse it: no pointer in the profile, or a point off the screen. */
  private pointerInput(event: FakePointerEvent): void {
    this.assertAlive();
    if (this.spec) requirePointer(this.spec.profile);
    if (event.kind === 'move') checkPoint(event.x, event.y, this.frame);
    this.pointer.push(event);
    this.guestClock.recordInput(this.instructions);
    this.script.onPointer?.(event, this);
  }

  async reset(): Promise<void> {
    this.assertAlive();
    this.resets++;
    this.guestClock.recordInput(this.instructions);
    this.script.onReset?.(this);
  }

  /**
   * Writes the fake's screen as JSON, which `restoreFrom` reads back. Not its instruction count: a
   * restored guest's count starts again at 0, as on both emulators.
   */
  async saveState(dir: string): Promise<void> {
    this.assertAlive();
    this.saves.push(dir);
    writeFileSync(join(dir, FAKE_STATE_FILE), JSON.stringify({ text: this.text }));
    await this.script.onSave?.(dir, this);
  }

  async stats(): Promise<MachineStats> {
    return { hostRssBytes: this.script.rssBytes ?? 1 << 20, hostPeakRssBytes: this.script.rssBytes ?? 1 << 20 };
  }

  describe(): string {
    return `fake-machine --backend ${this.backend}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.end({ requested: true, reason: 'stopped' });
  }

  private end(exit: MachineExit): void {
    if (this.dead) return;
    this.dead = true;
    for (const t of this.timers) clearTimeout(t);
    this.resolveExit(exit);
  }

  private assertAlive(): void {
    if (this.dead) throw new MachineCrashedError(this.backend, 'the machine is not running');
  }
}
