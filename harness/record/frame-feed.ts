/**
 * The live screen for the page: a screenshot every FRAME_MS, encoded once as a fast PNG however
 * many times the page asks, and only while the page keeps asking (a closed tab costs the guest
 * nothing).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Machine } from '../machine/machine.js';
import { encodePng } from '../screen/png-file.js';

/** Several frames a second: enough to see a menu open, cheap next to the guest on a shared core. */
const FRAME_MS = 250;
/** No request for this long: the page is gone, stop taking screenshots. */
const IDLE_MS = 5000;

export interface Frame {
  readonly seq: number;
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

export class FrameFeed {
  private latest: Frame | undefined;
  private askedAt = 0;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly machine: Machine) {}

  /** The newest frame (the first one is taken on demand). */
  async frame(): Promise<Frame> {
    this.askedAt = performance.now();
    this.running ??= this.loop().finally(() => (this.running = undefined));
    while (!this.latest && !this.stopped) await delay(20);
    if (!this.latest) throw new Error('the machine has stopped');
    return this.latest;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    let seq = this.latest?.seq ?? 0;
    while (!this.stopped && performance.now() - this.askedAt < IDLE_MS) {
      const started = performance.now();
      try {
        const image = await this.machine.screenshot();
        this.latest = { seq: ++seq, png: await encodePng(image, 1), width: image.width, height: image.height };
      } catch {
        if (this.stopped) break;
      }
      await delay(Math.max(0, FRAME_MS - (performance.now() - started)));
    }
  }
}
