/**
 * Records the boot as a filmstrip: a frame at a fixed interval, kept only when it differs from the
 * previous one, stored deflated so a long boot costs kilobytes, not the raw frames.
 * Runs beside the steps; a failed shot (the machine is gone) ends the recording quietly.
 */
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { Machine } from '../machine/machine.js';
import type { RawImage } from '../machine/raw-image.js';
import { sameFrame } from '../machine/same-frame.js';

const deflateAsync = promisify(deflate);

/**
 * Frames wait in memory for a failure that may not come, so they are the raw pixels deflated at
 * level 1 on libuv's thread pool, not PNGs: a 720×400 text screen is 20 KB in ~1.9 ms of CPU,
 * where pngjs at level 3 took ~5.7 ms and 2.3 MB of buffers (16 KB), once a second on a core
 * the emulator shares. The few a failure shows are made into pictures once, at the end.
 */
const MEMORY_LEVEL = 1;

export interface FilmFrame {
  /** Milliseconds since the recording started. */
  readonly atMs: number;
  readonly width: number;
  readonly height: number;
  /** The frame's RGBA pixels, deflated. */
  readonly deflated: Buffer;
}

/**
 * A guest that redraws a noisy screen every frame makes every PNG large: past this many bytes
 * every other frame is dropped (the strip keeps its whole span, more coarsely), so memory stays bounded.
 */
const MAX_FILM_BYTES = 32 * 1024 * 1024;

export class FilmstripRecorder {
  frames: FilmFrame[] = [];
  private bytes = 0;
  private last?: RawImage;
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly started = performance.now();

  constructor(
    private readonly machine: Machine,
    private readonly intervalMs = 1000,
    private readonly maxFrames = 300,
    private readonly maxBytes = MAX_FILM_BYTES,
  ) {}

  /** The newest frame recorded (raw), for evidence of what the screen showed before an event. */
  get latest(): RawImage | undefined {
    return this.last;
  }

  start(): void {
    this.running = true;
    void this.tick();
  }

  /** Stops recording and waits for a shot in flight. */
  async stop(): Promise<readonly FilmFrame[]> {
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight;
    return this.frames;
  }

  private inFlight: Promise<void> = Promise.resolve();

  private async tick(): Promise<void> {
    if (!this.running) return;
    this.inFlight = this.capture();
    await this.inFlight;
    if (this.running && this.frames.length < this.maxFrames) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }

  private async capture(): Promise<void> {
    try {
      const frame = await this.machine.screenshot();
      if (this.last && sameFrame(this.last, frame)) return;
      this.last = frame;
      const deflated = await deflateAsync(frame.data, { level: MEMORY_LEVEL });
      this.frames.push({ atMs: performance.now() - this.started, width: frame.width, height: frame.height, deflated });
      this.bytes += deflated.length;
      while (this.bytes > this.maxBytes && this.frames.length > 1) {
        this.frames = this.frames.filter((_, i) => i % 2 === 1 || i === this.frames.length - 1);
        this.bytes = this.frames.reduce((sum, f) => sum + f.deflated.length, 0);
      }
    } catch {
      // The machine stopped or died; the job's own error says why.
      this.running = false;
    }
  }
}
