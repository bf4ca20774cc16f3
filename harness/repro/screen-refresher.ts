/**
 * Keeps the machine's current screen in a PNG file, rewritten (atomically) every interval when
 * it changed: how a person sees a v86 machine, which has no VNC, and a QEMU one without a viewer.
 */
import type { Machine } from '../machine/machine.js';
import type { RawImage } from '../machine/raw-image.js';
import { sameFrame } from '../machine/same-frame.js';
import { writePng } from '../screen/png-file.js';

export class ScreenRefresher {
  private timer: NodeJS.Timeout | undefined;
  private last: RawImage | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Frames written so far. */
  written = 0;

  constructor(
    private readonly machine: Machine,
    readonly file: string,
    private readonly intervalMs = 1000,
  ) {}

  /** Writes the first frame now, then one per interval. */
  async start(): Promise<void> {
    await this.refresh();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.refresh().finally(() => this.schedule());
    }, this.intervalMs);
  }

  private async refresh(): Promise<void> {
    try {
      const frame = await this.machine.screenshot();
      if (this.last && sameFrame(this.last, frame)) return;
      await writePng(this.file, frame);
      this.last = frame;
      this.written++;
    } catch {
      // The machine is ending; the session notices that by itself.
    }
  }
}
