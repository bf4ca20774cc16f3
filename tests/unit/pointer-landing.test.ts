/**
 * landPointer against a simulated guest: a pointer that the guest accelerates by the speed of each
 * packet (as libinput does), a desktop with a button that lights up under the pointer, and an
 * arrow cursor drawn into every frame. The plain walk ends off the pixel there; the landing must
 * find the cursor and nudge it on, and must leave a guest that draws no cursor alone.
 */
import { describe, expect, it } from 'vitest';
import { landPointer, type Delta, type RelativePointerPort } from '../../harness/machine/pointer-landing.js';
import type { CpuSample } from '../../harness/machine/machine.js';
import type { RawImage } from '../../harness/machine/raw-image.js';

/** A 12×19 arrow: '#' black outline, '.' white fill; its hotspot is the top-left pixel. */
const ARROW = [
  '#',
  '##',
  '#.#',
  '#..#',
  '#...#',
  '#....#',
  '#.....#',
  '#......#',
  '#.......#',
  '#........#',
  '#.........#',
  '#......#####',
  '#...#..#',
  '#..##..#',
  '#.#  #..#',
  '##   #..#',
  '#     #..#',
  '      #..#',
  '       ##',
];

interface GuestOptions {
  /** Screen pixels per packet pixel, by the packet's size and how many packets the motion has lasted: the guest's acceleration. */
  readonly gain: (packet: number, sustained: number) => number;
  readonly drawsCursor: boolean;
  /**
   * A guest on a tenth of a core: it draws the cursor where the packets took it only once it has
   * run 30 ms after them (300 ms of wall time). Its CPU time and HLT are what it tells, when `tells`.
   */
  readonly starved?: { readonly tells: boolean };
  /** The first this many frames show a busy cursor (a filled square) instead of the arrow, as a guest loading a screen does. */
  readonly busyFrames?: number;
  /** Where the pointer starts (default the screen's middle). */
  readonly start?: { readonly x: number; readonly y: number };
  /**
   * The first this many frames still show the cursor where it was before the first packets, while
   * the guest says it ran: a window system busy drawing the screen just clicked to.
   */
  readonly lateFrames?: number;
  /** For this long after the guest is made, its cursor is an animated busy one (a square of another colour every frame). */
  readonly animatedBusyMs?: number;
  /** Rows where the cursor is an I-beam (a 2×16 bar), as over a text the guest lets you select. */
  readonly textRows?: { readonly from: number; readonly to: number };
}

const STARVED_SHARE = 0.1;
const DRAW_CPU_MS = 30;

class SimulatedGuest implements RelativePointerPort {
  x: number;
  y: number;
  private rx = 0;
  private ry = 0;
  frames = 0;
  private readonly made = performance.now();
  private drawn: { x: number; y: number };
  private sentAt = -Infinity;
  readonly cpuTimeMs?: () => Promise<number>;
  readonly cpuSample?: () => Promise<CpuSample>;
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly options: GuestOptions,
  ) {
    ({ x: this.x, y: this.y } = options.start ?? { x: Math.floor(width / 2), y: Math.floor(height / 2) });
    this.drawn = { x: this.x, y: this.y };
    if (options.starved?.tells) {
      this.cpuTimeMs = async () => STARVED_SHARE * performance.now();
      this.cpuSample = async () => ({ halted: !this.drawing(), interrupts: true, state: '', at: '', strayed: false });
    }
  }

  /** Whether the starved guest has yet to draw the cursor where the last packets took it. */
  private drawing(): boolean {
    return STARVED_SHARE * (performance.now() - this.sentAt) < DRAW_CPU_MS;
  }

  async send(deltas: readonly Delta[]): Promise<void> {
    for (const [index, [dx, dy]] of deltas.entries()) {
      const g = this.options.gain(Math.hypot(dx, dy), index);
      // Sub-pixel remainders carry over, as libinput keeps them.
      this.rx += dx * g;
      this.ry += dy * g;
      const [mx, my] = [Math.trunc(this.rx), Math.trunc(this.ry)];
      this.rx -= mx;
      this.ry -= my;
      this.x = Math.min(this.width - 1, Math.max(0, this.x + mx));
      this.y = Math.min(this.height - 1, Math.max(0, this.y + my));
    }
    this.sentAt = performance.now();
  }

  async screenshot(): Promise<RawImage> {
    this.frames++;
    const late = this.frames <= (this.options.lateFrames ?? 0);
    if (!late && (!this.options.starved || !this.drawing())) this.drawn = { x: this.x, y: this.y };
    const { width, height } = this;
    const data = new Uint8Array(width * height * 4);
    const button = { x: 1100, y: 700, width: 120, height: 40 };
    const hover = this.x >= button.x && this.x < button.x + button.width && this.y >= button.y && this.y < button.y + button.height;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const inButton = x >= button.x && x < button.x + button.width && y >= button.y && y < button.y + button.height;
        const [r, g, b] = inButton ? (hover ? [90, 140, 230] : [60, 90, 160]) : [(x * 7) & 0xff, (y * 3) & 0xff, 120];
        data.set([r, g, b, 255], i);
      }
    }
    if (this.options.drawsCursor && performance.now() - this.made < (this.options.animatedBusyMs ?? 0)) {
      const colour = [(this.frames * 53) & 0xff, (this.frames * 101) & 0xff, (this.frames * 199) & 0xff, 255];
      for (let dy = 0; dy < 14; dy++) for (let dx = 0; dx < 14; dx++) if (this.drawn.x + dx < width && this.drawn.y + dy < height) data.set(colour, ((this.drawn.y + dy) * width + this.drawn.x + dx) * 4);
    } else if (this.options.drawsCursor && this.options.textRows && this.drawn.y >= this.options.textRows.from && this.drawn.y < this.options.textRows.to) {
      for (let dy = -8; dy < 8; dy++) for (let dx = 0; dx < 2; dx++) if (this.drawn.y + dy >= 0 && this.drawn.y + dy < height) data.set([0, 0, 0, 255], ((this.drawn.y + dy) * width + this.drawn.x + dx) * 4);
    } else if (this.options.drawsCursor && this.frames <= (this.options.busyFrames ?? 0)) {
      for (let dy = 0; dy < 14; dy++) for (let dx = 0; dx < 14; dx++) if (this.drawn.x + dx < width && this.drawn.y + dy < height) data.set([200, 0, 200, 255], ((this.drawn.y + dy) * width + this.drawn.x + dx) * 4);
    } else if (this.options.drawsCursor) {
      ARROW.forEach((row, dy) =>
        [...row].forEach((c, dx) => {
          const [px, py] = [this.drawn.x + dx, this.drawn.y + dy];
          if (c === ' ' || px >= width || py >= height) return;
          data.set(c === '#' ? [0, 0, 0, 255] : [255, 255, 255, 255], (py * width + px) * 4);
        }),
      );
    }
    return { width, height, data };
  }
}

/** libinput-like: slow packets slowed down, fast ones sped up. */
const accelerated = (packet: number) => (packet <= 1.5 ? 0.6 : packet <= 6 ? 1.3 : 2);

describe('landPointer', () => {
  it('puts an accelerated cursor on the pixel asked for, where the plain walk misses it', async () => {
    for (const [x, y] of [[1220, 774], [100, 650], [1279, 799], [40, 5]] as const) {
      const guest = new SimulatedGuest(1280, 800, { gain: accelerated, drawsCursor: true });
      const landing = await landPointer(guest, x, y, guest);
      expect({ x: guest.x, y: guest.y }, `asked ${x},${y}`).toEqual({ x, y });
      expect(landing.seen, `asked ${x},${y}`).toBeDefined();
    }
  });

  it('lands a cursor whose gain grows with the motion, from a crawl to past double speed, without losing it in a corner', async () => {
    // As seen on v86 with the installer's libinput: a 370 px leg moved the cursor 95 px, a longer one far more.
    const growing = (packet: number, sustained: number) => (packet > 50 ? 2 : Math.min(2.5, 0.25 + sustained / 80));
    for (const [x, y] of [[740, 574], [1220, 774]] as const) {
      const guest = new SimulatedGuest(1280, 800, { gain: growing, drawsCursor: true });
      await landPointer(guest, x, y, guest);
      expect({ x: guest.x, y: guest.y }, `asked ${x},${y}`).toEqual({ x, y });
    }
  });

  it('the simulated acceleration does throw the plain walk off (so the test above can fail)', async () => {
    const guest = new SimulatedGuest(1280, 800, { gain: accelerated, drawsCursor: false });
    const landing = await landPointer(guest, 1220, 774, guest);
    expect(landing).toEqual({ corrections: 0, pins: 1 });
    expect(Math.abs(guest.x - 1220) + Math.abs(guest.y - 774)).toBeGreaterThan(20);
  });

  it('walks the rest in one leg where the guest does not accelerate, and costs a few frames (two per leg and two at the corner)', async () => {
    const guest = new SimulatedGuest(800, 600, { gain: () => 1, drawsCursor: true });
    const landing = await landPointer(guest, 123, 457, guest);
    expect(landing).toEqual({ seen: { x: 123, y: 457 }, corrections: 1, pins: 1 });
    expect(guest.frames).toBeLessThanOrEqual(6);
  });

  it('on a starved guest, waits for the cursor to be drawn where the packets took it, where it can tell', async () => {
    const guest = new SimulatedGuest(480, 320, { gain: accelerated, drawsCursor: true, starved: { tells: true } });
    await landPointer(guest, 130, 237, guest);
    expect({ x: guest.x, y: guest.y }).toEqual({ x: 130, y: 237 });
    // The same guest, not telling its CPU time: frames 40 ms apart agree before it drew, and the walk misses.
    const blind = new SimulatedGuest(480, 320, { gain: accelerated, drawsCursor: true, starved: { tells: false } });
    await landPointer(blind, 130, 237, blind);
    expect({ x: blind.x, y: blind.y }).not.toEqual({ x: 130, y: 237 });
  });

  it('a cursor that changes shape after it was read in the corner (busy, then the arrow) is read again, and lands', async () => {
    const guest = new SimulatedGuest(480, 320, { gain: accelerated, drawsCursor: true, busyFrames: 2 });
    const landing = await landPointer(guest, 130, 237, guest);
    expect({ x: guest.x, y: guest.y }).toEqual({ x: 130, y: 237 });
    expect(landing.seen).toEqual({ x: 130, y: 237 });
  });

  it('a cursor still on its way into the corner when the corner is read is pinned again, and lands', async () => {
    // As seen on QEMU's PS/2 while the installer drew its country list: read 12 px short of the
    // corner, the cursor was taken as drawn 12 px down and right of the pointer, and every click
    // of the walk went 12,12 px past its target.
    const guest = new SimulatedGuest(480, 320, { gain: accelerated, drawsCursor: true, start: { x: 12, y: 12 }, lateFrames: 2 });
    const landing = await landPointer(guest, 130, 237, guest);
    expect({ x: guest.x, y: guest.y }).toEqual({ x: 130, y: 237 });
    expect(landing.seen).toEqual({ x: 130, y: 237 });
  });

  it('an animated busy cursor is waited out, pinned again until the arrow shows; one that never ends is given up on and says why', async () => {
    const busy = new SimulatedGuest(480, 320, { gain: accelerated, drawsCursor: true, animatedBusyMs: 5000 });
    const landing = await landPointer(busy, 130, 237, busy);
    expect({ x: busy.x, y: busy.y }).toEqual({ x: 130, y: 237 });
    expect(landing.pins).toBeGreaterThan(1);
    const forever = new SimulatedGuest(480, 320, { gain: accelerated, drawsCursor: true, animatedBusyMs: Infinity });
    expect(await landPointer(forever, 130, 237, forever)).toMatchObject({ corrections: 0, pins: 5, lost: 'changed' });
  }, 60_000);

  it('a first leg that ends where the cursor turns into an I-beam is tried again ending elsewhere, and lands', async () => {
    // As on the French installer's country page: half way to Canada's row is the description
    // above the list, a text the installer lets you select; the row itself shows the arrow.
    const guest = new SimulatedGuest(1280, 800, { gain: accelerated, drawsCursor: true, textRows: { from: 120, to: 175 } });
    const landing = await landPointer(guest, 130, 237, guest);
    expect({ x: guest.x, y: guest.y }).toEqual({ x: 130, y: 237 });
    expect(landing).toMatchObject({ seen: { x: 130, y: 237 }, pins: 2 });
  });

  it('walks a pointer into the corner area without reading the cursor there', async () => {
    const guest = new SimulatedGuest(800, 600, { gain: () => 1, drawsCursor: true });
    expect(await landPointer(guest, 10, 20, guest)).toEqual({ corrections: 0, pins: 1 });
    expect({ x: guest.x, y: guest.y }).toEqual({ x: 10, y: 20 });
  });
});
