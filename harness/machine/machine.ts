/**
 * The one interface every emulator backend implements and every step talks to. It knows
 * nothing of scenarios, goldens or reports: only how to run a PC and look at it.
 */
import type { GuestClock } from './guest-clock.js';
import type { Chord } from './keys.js';
import type { Media } from './media.js';
import type { PointerButton } from './pointer.js';
import type { PointerLanding } from './pointer-landing.js';
import type { Profile } from './profile.js';
import type { RawImage } from './raw-image.js';
import type { SerialLog } from './serial-log.js';

export type BackendName = 'qemu' | 'v86';
export const BACKENDS: readonly BackendName[] = ['qemu', 'v86'];

export interface MachineSpec {
  readonly profile: Profile;
  readonly media: Media;
  /** A private folder for this machine's sockets, overlays and temp files; the caller removes it. */
  readonly workDir: string;
  /**
   * Show the screen on a VNC display bound to 127.0.0.1 only (port 5900 + vnc), for a person to
   * watch and poke at (`bootgate repro`). Backends without VNC ignore it. Default: no display.
   */
  readonly vnc?: number;
  /**
   * The password the VNC display asks for (VNC's own scheme: 8 characters count). Without one the
   * display turns every client away: a loopback port is open to every local user.
   */
  readonly vncPassword?: string;
  /**
   * Run on guest time: QEMU under `-icount` with a virtual RTC, so the guest advances by the
   * instructions it executes and not by the host's clock, with the guest-clock plugin counting
   * them. v86 counts instructions always (it has no virtual clock to switch to). Default off:
   * icount costs QEMU wall time (~1.4×) and makes an idle guest's clock run ahead.
   */
  readonly guestClock?: boolean;
  /**
   * Start from a state this backend's saveState() wrote into this folder, instead of booting.
   * The profile and media must be the ones it was saved with; the caller checks (run/saved-state.ts).
   */
  readonly restoreFrom?: string;
}

/** How the machine ended: `requested` when stop() ended it, otherwise it died or powered off by itself. */
export interface MachineExit {
  readonly requested: boolean;
  readonly reason: string;
}

/** Where the text cursor sits: a character cell of a `columns`×`rows` text page. */
export interface CursorCell {
  readonly column: number;
  readonly row: number;
  readonly columns: number;
  readonly rows: number;
}

export interface MachineStats {
  /** Resident memory of the emulator on the host (QEMU process, v86 worker), now and at its peak. */
  readonly hostRssBytes?: number;
  readonly hostPeakRssBytes?: number;
}

/**
 * What the CPU was doing at one look, for telling a stalled guest from a busy, quiet one: two
 * looks with the same `state`, or both `halted`, mean it did no work in between that shows.
 */
export interface CpuSample {
  /** In HLT, waiting for an interrupt. */
  readonly halted: boolean;
  /** Interrupts enabled (EFLAGS.IF): a halted or spinning CPU without them never leaves on its own. */
  readonly interrupts: boolean;
  /** The general registers, flags and instruction pointer as one string. */
  readonly state: string;
  /** Where it was, for the report: `cs:eip`. */
  readonly at: string;
  /**
   * Fetching instructions where the machine has no memory, with paging off (stray-fetch.ts):
   * lost, however its instruction pointer moves.
   */
  readonly strayed: boolean;
}

export interface Machine {
  readonly backend: BackendName;
  readonly serial: SerialLog;
  /** Settles once when the emulator is gone, for whatever reason. Never rejects. */
  readonly exited: Promise<MachineExit>;
  /** Guest instruction counts at serial bytes, screen reads and inputs; absent when this machine does not count. */
  readonly guestClock?: GuestClock;

  /** Boots the machine. Throws MachineCrashedError/InfraError if the emulator cannot start. */
  start(): Promise<void>;
  /** The VGA text screen, one string per row, read exactly from video memory; undefined in a graphics mode. */
  textScreen(): Promise<string[] | undefined>;
  /**
   * Text that may be on the screen, cheap enough to poll: all of text video memory on QEMU, read
   * without pausing the guest. What is not in it is not on the screen; what is, confirm with
   * textScreen() before acting on it. Undefined in a graphics mode (as of the last exact read).
   */
  peekText(): Promise<string | undefined>;
  screenshot(): Promise<RawImage>;
  /**
   * The cell of a text cursor the emulator blinks in its screenshots, for telling a still screen;
   * undefined in a graphics mode, with the cursor off, or when the backend draws it steadily.
   */
  blinkingCursor?(): Promise<CursorCell | undefined>;
  /** A look at the CPU, cheap enough to take once a second while the guest runs. */
  cpuSample?(): Promise<CpuSample>;
  /**
   * Host CPU time the emulator has used so far, in ms, cheap enough to read at every poll. On a
   * shared host a guest may get a fraction of a core: wall time alone does not say it has run.
   * Absent where the backend cannot tell its own share (v86 runs in bootgate's process).
   */
  cpuTimeMs?(): Promise<number>;
  /**
   * Calls `listener` each time the guest resets the machine by itself (a triple fault, the
   * keyboard controller's or the chipset's reset line); never for reset(). Returns an unsubscribe.
   */
  onGuestReset(listener: () => void): () => void;
  /** Presses the keys of one chord together and releases them. */
  pressKeys(chord: Chord): Promise<void>;
  /** Types text with a pause per character, so the guest's keyboard buffer never overflows. */
  typeText(text: string, msPerChar: number): Promise<void>;
  sendSerial(text: string): Promise<void>;
  /**
   * Puts the pointer on pixel (x, y) of the screen as it is now (the frame screenshot() returns).
   * Absolute devices jump there; a PS/2 mouse is walked there from the top-left corner in steps
   * no guest accelerates (pointer-landing.ts) and corrected from where its cursor is seen; it
   * resolves to that landing, undefined for an absolute device (it lands where it is sent). A
   * ConfigError naming `pointer` when the profile has none.
   */
  pointerMove(x: number, y: number): Promise<PointerLanding | undefined>;
  /** Presses (down) or releases a button where the pointer is; clicks are composed from these (pointer.ts clickAt). */
  pointerButton(button: PointerButton, down: boolean): Promise<void>;
  /** Turns the wheel by `notches`: positive scrolls down (wheel turned towards the user), negative up. */
  pointerScroll(notches: number): Promise<void>;
  /** Hardware reset (the reset button), not a guest reboot. */
  reset(): Promise<void>;
  /**
   * Saves the whole machine (CPU, memory, devices, what the guest wrote to its disks) into `dir`,
   * an existing empty folder; a machine started with `restoreFrom: dir` goes on from there. The
   * machine is paused while it saves and runs on afterwards.
   */
  saveState(dir: string): Promise<void>;
  stats(): Promise<MachineStats>;
  /** The emulator invocation that reproduces this machine without bootgate. */
  describe(): string;
  /** Ends the emulator and frees everything it held. Idempotent; never throws. */
  stop(): Promise<void>;
}

export type MachineFactory = (backend: BackendName, spec: MachineSpec) => Machine;
