/**
 * The v86 backend: one emulator per worker thread, driven by messages. A crash of the emulator
 * ends only its worker; `exited` then says why and every pending request rejects with a
 * MachineCrashedError, so the job becomes an infra error and the run goes on.
 */
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InfraError, MachineCrashedError } from '../../errors.js';
import { registerCleanup } from '../cleanup-registry.js';
import { chordsForText, type Chord } from '../keys.js';
import type { CpuSample, Machine, MachineExit, MachineSpec, MachineStats } from '../machine.js';
import type { Profile } from '../profile.js';
import type { RawImage } from '../raw-image.js';
import { sameFrame } from '../same-frame.js';
import { SerialLog } from '../serial-log.js';
import { CountingGuestClock } from '../counting-guest-clock.js';
import { checkHostFiles, SEABIOS_BIOS, SEABIOS_VGA_BIOS, statMedia, v86WasmPath } from './v86-host.js';
import { scancodesForChord } from './v86-keys.js';
import { V86_STATE_FILE, v86Options, type V86OptionsJson } from './v86-options.js';
import { join } from 'node:path';
import type { V86PointerDevice, V86Replies, V86Request, V86WorkerData, V86WorkerMessage, V86WorkerStats } from './v86-protocol.js';
import { maxTypingMs } from './v86-typing.js';
import { checkPoint, requirePointer, type PointerButton } from '../pointer.js';
import { landPointer, PS2_PACKET_MS, type Delta, type PointerLanding } from '../pointer-landing.js';

export interface V86MachineOptions {
  /** The x86→wasm JIT; default on (a Linux boot is ≥ 2.6× faster; GRUB's menu 1.4 s slower), or BOOTGATE_V86_JIT=0. See V86Host.jit. */
  readonly jit?: boolean;
  /** How long start() waits for `emulator-started` (BIOS and images loaded, CPU running). Default 30 s. */
  readonly startTimeoutMs?: number;
  /** How long a request may wait for the worker's answer (typing adds its own duration). Default 15 s. */
  readonly requestTimeoutMs?: number;
  /** How long stop() lets the worker finish (write back a disk) before terminating it. Default 5 s. */
  readonly stopTimeoutMs?: number;
}

/**
 * hostRssBytes is what this worker owns: its V8 heap plus its external memory, which holds the
 * emulator's wasm memory (guest RAM, VRAM, v86's tables). A worker has no RSS of its own — the
 * process's RSS is shared by every thread — so this counts guest RAM as allocated even where the
 * guest never touched it, and leaves out the shared Node runtime and the JIT's compiled code
 * (about 170 MB more process RSS with the JIT on, measured). processRssBytes is the whole
 * process, for comparison.
 */
export interface V86MachineStats extends MachineStats {
  readonly processRssBytes?: number;
  readonly wasmMemoryBytes?: number;
  /** Guest instructions executed since boot (the guest clock's count, unwrapped). */
  readonly instructions?: number;
}

interface Pending {
  readonly type: V86Request['type'];
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const STDERR_TAIL_BYTES = 4096;

export function createV86Machine(spec: MachineSpec, options: V86MachineOptions = {}): V86Machine {
  return new V86Machine(spec, options);
}

export class V86Machine implements Machine {
  readonly backend = 'v86' as const;
  readonly serial: SerialLog;
  readonly exited: Promise<MachineExit>;
  /**
   * Always on: reading v86's counter costs nothing. v86 has no virtual clock (its timers follow
   * the host's), so one boot's counts differ by a few per cent between runs (docs/guest-time.md).
   */
  readonly guestClock = new CountingGuestClock();
  /** The `new V86(...)` options, all JSON: describe() prints them. */
  readonly options: V86OptionsJson;

  private readonly writeBackDisk: string | undefined;
  private readonly profile: Profile;
  private readonly startTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private worker: Worker | undefined;
  private state: 'new' | 'starting' | 'running' | 'exited' = 'new';
  private exitReason = '';
  private crashMessage: string | undefined;
  private stopRequested = false;
  private stopping: Promise<void> | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private stderrTail = '';
  private lastStats: V86MachineStats = {};
  private lastShot: { readonly image: RawImage; readonly shot: number } | undefined;
  private settleExit!: (exit: MachineExit) => void;
  private workerGone: Promise<void> = Promise.resolve();
  private onStarted: (() => void) | undefined;
  private unregisterCleanup: (() => void) | undefined;
  private readonly resetListeners = new Set<() => void>();

  /** Throws UnsupportedProfileError (skip the job), ConfigError (bad media) or InfraError (host lacks v86/SeaBIOS). */
  constructor(spec: MachineSpec, options: V86MachineOptions = {}) {
    const host = {
      wasmPath: v86WasmPath(),
      biosPath: SEABIOS_BIOS,
      vgaBiosPath: SEABIOS_VGA_BIOS,
      jit: options.jit ?? process.env['BOOTGATE_V86_JIT'] !== '0',
    };
    // Profile refusals come first: a skipped job should not depend on what the host has installed.
    this.options = v86Options(spec, host);
    checkHostFiles(host);
    this.options = v86Options(spec, { ...host, imageSizes: statMedia(spec.media) });
    this.serial = new SerialLog(spec.workDir);
    this.writeBackDisk = spec.media.disk && spec.media.diskWritable ? spec.media.disk : undefined;
    this.profile = spec.profile;
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
    this.exited = new Promise((resolve) => (this.settleExit = resolve));
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new InfraError(`v86 machine cannot start twice (it is ${this.state})`);
    this.state = 'starting';
    const { script, entry } = workerScript();
    const workerData: V86WorkerData = {
      options: this.options,
      ...(this.writeBackDisk ? { writeBackDisk: this.writeBackDisk } : {}),
      ...(entry ? { entry } : {}),
    };
    const worker = new Worker(script, { workerData, stdout: true, stderr: true });
    this.worker = worker;
    this.workerGone = new Promise((resolve) => worker.once('exit', () => resolve()));
    // A live worker keeps Node running: on Ctrl-C or exit the registry ends it (terminate() starts at once).
    this.unregisterCleanup = registerCleanup(() => void worker.terminate());
    worker.stdout.resume();
    worker.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    worker.on('message', (message: V86WorkerMessage) => this.onMessage(message));
    // Without this listener an uncaught error in the worker would be rethrown in this thread.
    worker.on('error', (error) => (this.crashMessage ??= `${error.name}: ${error.message}`));
    worker.on('exit', (code) => this.onExit(code));

    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      new Promise<'started'>((resolve) => (this.onStarted = () => resolve('started'))),
      this.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.startTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (outcome === 'started') return;
    if (outcome === 'timeout') {
      this.exitReason = `emulator did not start within ${this.startTimeoutMs} ms`;
      await this.shutdown(false);
    }
    throw new MachineCrashedError('v86', this.exitReason);
  }

  async textScreen(): Promise<string[] | undefined> {
    const { rows, instructions } = await this.request({ type: 'text-screen' });
    if (rows) this.guestClock.recordScreen(rows, instructions);
    return rows;
  }

  /** v86 reads its text buffer exactly and at no cost to the guest. */
  async peekText(): Promise<string | undefined> {
    return (await this.textScreen())?.join('\n');
  }

  async screenshot(): Promise<RawImage> {
    const last = this.lastShot;
    const { image, shot, instructions } = await this.request({ type: 'screenshot', ...(last ? { since: last.shot } : {}) });
    // An unchanged screen is the previous frame object, as on QEMU: the golden comparer answers it from memory.
    const frame = !image ? last!.image : last && sameFrame(last.image, image) ? last.image : image;
    this.lastShot = { image: frame, shot };
    this.guestClock.recordScreen(frame, instructions);
    return frame;
  }

  async cpuSample(): Promise<CpuSample> {
    return this.request({ type: 'cpu-sample' });
  }

  onGuestReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  async pressKeys(chord: Chord): Promise<void> {
    scancodesForChord(chord); // an unknown key fails here, not inside the worker
    this.guestClock.recordInput(await this.request({ type: 'press', chord }));
  }

  async typeText(text: string, msPerChar: number): Promise<void> {
    const chords = chordsForText(text);
    this.guestClock.recordInput(await this.request({ type: 'type', chords, msPerChar }, this.requestTimeoutMs + maxTypingMs(chords.length, msPerChar)));
  }

  async sendSerial(text: string): Promise<void> {
    this.guestClock.recordInput(await this.request({ type: 'serial', text }));
  }

  /** Scaled to the screen as it is now: a fresh screenshot (cheap when unchanged) gives its size. */
  async pointerMove(x: number, y: number): Promise<PointerLanding | undefined> {
    const device = this.pointerDevice();
    const { width, height } = await this.screenshot();
    checkPoint(x, y, { width, height });
    if (device === 'vmmouse') {
      this.guestClock.recordInput(await this.request({ type: 'pointer-absolute', x, y, width, height }));
      return undefined;
    }
    const send = async (deltas: readonly Delta[]): Promise<void> => {
      this.guestClock.recordInput(await this.request({ type: 'pointer-deltas', deltas }, this.requestTimeoutMs + deltas.length * PS2_PACKET_MS));
    };
    return landPointer({ send, screenshot: () => this.screenshot() }, x, y, { width, height });
  }

  async pointerButton(button: PointerButton, down: boolean): Promise<void> {
    const device = this.pointerDevice();
    this.guestClock.recordInput(await this.request({ type: 'pointer-button', device, button, down }));
  }

  async pointerScroll(notches: number): Promise<void> {
    const device = this.pointerDevice();
    this.guestClock.recordInput(await this.request({ type: 'pointer-scroll', device, notches }));
  }

  /** The constructor's checkProfile() refused usb-tablet: what is left, v86 has. */
  private pointerDevice(): V86PointerDevice {
    const device = requirePointer(this.profile);
    if (device === 'usb-tablet') throw new InfraError('v86: usb-tablet passed the profile check');
    return device;
  }

  async reset(): Promise<void> {
    this.guestClock.recordInput(await this.request({ type: 'reset' }));
  }

  async saveState(dir: string): Promise<void> {
    await this.request({ type: 'save-state', file: join(dir, V86_STATE_FILE) }, this.requestTimeoutMs * 2);
  }

  /** Once the machine is gone: the last figures its worker sent (at most a second old), so a crashed job has them too. */
  async stats(): Promise<V86MachineStats> {
    if (this.state === 'running') this.recordStats(await this.request({ type: 'stats' }));
    return this.lastStats;
  }

  private recordStats(worker: V86WorkerStats): void {
    const own = worker.memory.heapTotal + worker.memory.external;
    this.lastStats = {
      hostRssBytes: own,
      hostPeakRssBytes: Math.max(own, worker.peakOwnBytes, this.lastStats.hostPeakRssBytes ?? 0),
      processRssBytes: worker.memory.rss,
      wasmMemoryBytes: worker.wasmMemoryBytes,
      instructions: worker.instructions,
    };
  }

  /** The options of `new V86(...)` as JSON; with `import { V86 } from 'v86'` they boot the same machine. */
  describe(): string {
    return JSON.stringify(this.options);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown(true);
    return this.stopping;
  }

  /** Lets the worker end cleanly (destroy, disk write-back) for a while, then always terminates it. */
  private async shutdown(requested: boolean): Promise<void> {
    if (this.state === 'exited') return;
    this.stopRequested ||= requested;
    const worker = this.worker;
    if (!worker) {
      this.finish({ requested, reason: requested ? 'stopped before it was started' : this.exitReason });
      return;
    }
    try {
      if (this.state === 'running') {
        const stopped = this.request({ type: 'stop' }, this.stopTimeoutMs).catch(() => undefined);
        await Promise.race([stopped.then(() => this.workerGone), delay(this.stopTimeoutMs, undefined, { ref: false })]);
      }
    } finally {
      await worker.terminate().catch(() => undefined);
      await this.workerGone;
    }
  }

  private request<K extends V86Request['type']>(
    request: Extract<V86Request, { type: K }>,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<V86Replies[K]> {
    const worker = this.worker;
    if (this.state !== 'running' || !worker) {
      return Promise.reject(new MachineCrashedError('v86', this.state === 'exited' ? `machine is gone: ${this.exitReason}` : 'machine is not started'));
    }
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new MachineCrashedError('v86', `worker did not answer "${request.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { type: request.type, resolve: resolve as (value: unknown) => void, reject, timer });
      worker.postMessage({ ...request, id });
    });
  }

  private onMessage(message: V86WorkerMessage): void {
    switch (message.type) {
      case 'started':
        this.state = 'running';
        this.onStarted?.();
        return;
      case 'serial-output':
        this.guestClock.recordSerial(message.instructions);
        this.serial.append(message.bytes);
        return;
      case 'sample':
        this.recordStats(message.stats);
        return;
      case 'crash':
        this.crashMessage ??= message.message;
        return;
      case 'guest-reset':
        for (const listener of this.resetListeners) listener();
        return;
      case 'reply':
      case 'reply-error': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.type === 'reply') pending.resolve(message.value);
        else pending.reject(new InfraError(`v86 worker failed to ${pending.type}: ${message.message}`));
      }
    }
  }

  private onExit(code: number): void {
    const reason = this.stopRequested
      ? 'stopped'
      : this.crashMessage ?? (this.exitReason || `v86 worker exited with code ${code}${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`);
    this.finish({ requested: this.stopRequested, reason });
  }

  private finish(exit: MachineExit): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.exitReason = exit.reason;
    this.unregisterCleanup?.();
    this.serial.close();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new MachineCrashedError('v86', exit.requested ? `machine was stopped during "${pending.type}"` : exit.reason));
      this.pending.delete(id);
    }
    this.settleExit(exit);
  }
}

/**
 * The compiled worker sits next to this file in dist/. Running from TypeScript source (vitest),
 * there is no .js: a small .mjs bootstrap registers a transpiling hook and imports the .ts.
 */
function workerScript(): { script: URL; entry?: string } {
  const compiled = new URL('./v86-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return { script: compiled };
  return {
    script: new URL('./dev-worker-bootstrap.mjs', import.meta.url),
    entry: new URL('./v86-worker.ts', import.meta.url).href,
  };
}
