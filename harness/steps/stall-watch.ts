/**
 * Stall detection (`stall: 20s`): a wait ends at once when for that long the guest wrote nothing
 * to its serial port, the screen did not change, and the CPU did no work that shows — every look
 * found it halted, in exactly the state of the look before (a `jmp $` with interrupts off), or
 * fetching instructions where the machine has no memory (a kernel that jumped past its RAM). A
 * guest that computes quietly changes its registers between looks, so it is not a stall; a
 * backend that cannot look at its CPU is judged by serial and screen alone.
 */
import { StalledError } from '../errors.js';
import type { CpuSample, Machine } from '../machine/machine.js';
import type { RawImage } from '../machine/raw-image.js';
import { sameFrame } from '../machine/same-frame.js';

/** One look a second: an HMP `info registers` (~1 ms) and a peek or an unchanged frame, whatever the wait's own poll rate. */
const LOOK_MS = 1000;

export class StallWatch {
  private lastChange = performance.now();
  private lastLook = -Infinity;
  private serialBytes: number;
  private text: string | undefined;
  private frame: RawImage | undefined;
  private cpu: CpuSample | undefined;
  /** Looks at the CPU since the last change, and how many found it halted. */
  private looks = 0;
  private halted = 0;
  private strayed = 0;

  constructor(
    private readonly machine: Machine,
    private readonly stallMs: number,
  ) {
    this.serialBytes = machine.serial.rawByteLength;
  }

  /** Throws a StalledError once nothing moved for the stall time; at most one look a second. */
  async check(): Promise<void> {
    const now = performance.now();
    if (now - this.lastLook < LOOK_MS) return;
    this.lastLook = now;
    const [screenMoved, cpu] = await Promise.all([this.screenMoved(), this.machine.cpuSample?.()]);
    const serialBytes = this.machine.serial.rawByteLength;
    const serialMoved = serialBytes !== this.serialBytes;
    this.serialBytes = serialBytes;
    const previous = this.cpu;
    this.cpu = cpu;
    const cpuWorked = cpu !== undefined && previous !== undefined && !cpu.strayed && !(cpu.halted && previous.halted) && cpu.state !== previous.state;
    if (serialMoved || screenMoved || cpuWorked) {
      this.lastChange = now;
      this.looks = 0;
      this.halted = 0;
      this.strayed = 0;
      return;
    }
    if (cpu) {
      this.looks++;
      if (cpu.halted) this.halted++;
      if (cpu.strayed) this.strayed++;
    }
    if (now - this.lastChange >= this.stallMs) throw new StalledError(this.stallMs, this.describeCpu(), this.machine.serial.text.slice(-200));
  }

  private describeCpu(): string {
    const cpu = this.cpu;
    if (!cpu) return `the ${this.machine.backend} backend cannot tell whether the CPU worked`;
    const where = `at ${cpu.at}${cpu.interrupts ? '' : ' with interrupts off (it can never go on by itself)'}`;
    if (this.strayed === this.looks) return `the CPU ran off into memory the machine does not have, ${where} at the last of ${this.looks} looks`;
    if (this.halted === this.looks) return `the CPU was halted ${where} at all ${this.looks} looks`;
    if (this.halted === 0) return `the CPU spun in place ${where}, its registers unchanged at ${this.looks} looks`;
    return `the CPU was halted or unchanged ${where} at ${this.looks} looks (${this.halted} halted)`;
  }

  /** Text screens compare as text (a blinking cursor is not a change); graphics as frames. */
  private async screenMoved(): Promise<boolean> {
    const text = await this.machine.peekText();
    if (text !== undefined) {
      const moved = this.text !== undefined && text !== this.text;
      this.text = text;
      this.frame = undefined;
      return moved;
    }
    const frame = await this.machine.screenshot();
    const moved = this.frame !== undefined && frame !== this.frame && !sameFrame(this.frame, frame);
    // A switch from text to graphics is a change.
    const switched = this.text !== undefined;
    this.text = undefined;
    this.frame = frame;
    return moved || switched;
  }
}
