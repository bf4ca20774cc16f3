import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cursorOnPage, decodeTextPage, peekTextWindow, readTextScreen, textGeometry, type TextPeek } from '../../harness/machine/qemu/qemu-text-screen.js';
import type { QmpClient } from '../../harness/machine/qemu/qmp-client.js';
import { scratchAt } from '../../harness/machine/qemu/qemu-work-files.js';

describe('VGA text geometry', () => {
  // 80×25 colour text as the BIOS sets it: 400 scan lines, 16-line font, offset 40.
  const crtc = { 0x01: 0x4f, 0x07: 0x1f, 0x09: 0x4f, 0x0c: 0x00, 0x0d: 0x00, 0x12: 0x8f, 0x13: 0x28 };

  it('reads 80×25 at 0xb8000 and undefined in a graphics mode', () => {
    expect(textGeometry({ gcMisc: 0x0e, crtc })).toEqual({ windowBase: 0xb8000, windowBytes: 0x8000, startCell: 0, strideCells: 80, columns: 80, rows: 25, cursorCell: 0, cursorOff: false });
    expect(textGeometry({ gcMisc: 0x05, crtc })).toBeUndefined();
    // An 8-line font on the same 400 lines is 80×50.
    expect(textGeometry({ gcMisc: 0x0e, crtc: { ...crtc, 0x09: 0x47 } })?.rows).toBe(50);
  });

  it('finds the cursor on the visible page, and not when it is off or elsewhere', () => {
    const at = (regs: Record<number, number>) => cursorOnPage(textGeometry({ gcMisc: 0x0e, crtc: { ...crtc, ...regs } })!);
    expect(at({ 0x0e: 0x00, 0x0f: 0xa5 })).toEqual({ column: 5, row: 2 }); // cell 165
    expect(at({ 0x0c: 0x00, 0x0d: 0x50, 0x0e: 0x00, 0x0f: 0xa5 })).toEqual({ column: 5, row: 1 }); // the page starts a row on
    expect(at({ 0x0a: 0x20, 0x0e: 0x00, 0x0f: 0xa5 })).toBeUndefined(); // CR0A bit 5: cursor off
    expect(at({ 0x0e: 0x10, 0x0f: 0x00 })).toBeUndefined(); // cell 4096: off the page
  });

  it('starts the page at the CRTC start address and wraps within the window', () => {
    const geometry = { ...textGeometry({ gcMisc: 0x0e, crtc: { ...crtc, 0x0c: 0x3f, 0x0d: 0xb0 } })!, rows: 2 };
    const window = new Uint8Array(0x8000);
    const put = (cell: number, text: string) => [...text].forEach((ch, i) => (window[((cell + i) * 2) % 0x8000] = ch.charCodeAt(0)));
    put(0x3fb0, 'top ');
    put(0x3fb0 + 80, '\xc9\xcd\xbb'); // ╔═╗ in CP437, past the end of the window
    expect(decodeTextPage(window, geometry)).toBe('top\n╔═╗');
  });
});

describe('readTextScreen against a simulated VGA behind QMP and HMP', () => {
  /** Just enough of QEMU: run state, HMP port I/O with VGA index semantics, pmemsave; `batches` counts HMP round trips. */
  class FakeVga {
    running = true;
    misc = 0x67;
    gcIndex = 0x05;
    gc: number[] = Array(16).fill(0);
    crtcIndex = 0x0e;
    cr: number[] = Array(32).fill(0);
    memory = new Uint8Array(0x20000); // 0xa0000–0xbffff
    portIoWhileRunning = 0;
    batches = 0;
    log: string[] = [];

    constructor() {
      this.gc[6] = 0x0e; // text, window 0xb8000
      Object.assign(this.cr, { 0x01: 0x4f, 0x07: 0x1f, 0x09: 0x4f, 0x12: 0x8f, 0x13: 0x28 });
    }
    put(address: number, text: string) {
      [...text].forEach((ch, i) => (this.memory[address - 0xa0000 + i * 2] = ch.charCodeAt(0)));
    }
    private crtcPort() {
      return this.misc & 1 ? 0x3d4 : 0x3b4;
    }
    inb(port: number): number {
      if (port === 0x3cc) return this.misc;
      if (port === 0x3ce) return this.gcIndex;
      if (port === 0x3cf) return this.gc[this.gcIndex]!;
      if (port === this.crtcPort()) return this.crtcIndex;
      if (port === this.crtcPort() + 1) return this.cr[this.crtcIndex]!;
      return 0xff;
    }
    outb(port: number, value: number) {
      if (port === 0x3ce) this.gcIndex = value;
      else if (port === this.crtcPort()) this.crtcIndex = value;
    }
    async execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
      this.log.push(command);
      if (command === 'query-status') return { running: this.running, status: this.running ? 'running' : 'paused' };
      if (command === 'stop') return void (this.running = false);
      if (command === 'cont') return void (this.running = true);
      if (command === 'pmemsave') {
        const start = Number(args!.val) - 0xa0000;
        await writeFile(String(args!.filename), this.memory.subarray(start, start + Number(args!.size)));
        return {};
      }
      throw new Error(`unexpected ${command}`);
    }
    /** HmpMonitor.run: each line's output, as the readline monitor prints it. */
    async run(lines: readonly string[]): Promise<string[]> {
      this.batches++;
      const outputs: string[] = [];
      for (const line of lines) {
        this.log.push(line.split(' ')[0]!);
        if (line === 'cont') {
          this.running = true;
          outputs.push('');
          continue;
        }
        if (this.running) this.portIoWhileRunning++;
        const [cmd, , port, value] = line.split(' ');
        if (cmd === 'i') outputs.push(`portb[0x${Number(port).toString(16).padStart(4, '0')}] = 0x${this.inb(Number(port)).toString(16)}`);
        else {
          this.outb(Number(port), Number(value));
          outputs.push('');
        }
      }
      return outputs;
    }
  }

  async function read(vga: FakeVga) {
    const dir = await mkdtemp(join(tmpdir(), 'bg-vga-test-'));
    try {
      return (await readTextScreen(vga as unknown as QmpClient, vga, scratchAt(join(dir, 'vga.bin')))).rows;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('reads the page at the CRTC start address with the VM paused, then restores the indexes and resumes', async () => {
    const vga = new FakeVga();
    vga.put(0xb8000, 'stale first page');
    Object.assign(vga.cr, { 0x0c: 0x00, 0x0d: 0x50 }); // Scrolled by one row, as Linux does.
    vga.put(0xb8000 + 0x50 * 2, 'top row now');
    const rows = await read(vga);
    expect(rows).toHaveLength(25);
    expect(rows![0]).toBe('top row now');
    expect(vga.portIoWhileRunning).toBe(0);
    expect([vga.gcIndex, vga.crtcIndex, vga.running]).toEqual([0x05, 0x0e, true]);
    expect(vga.log.at(-1)).toBe('cont');
    // One QMP stop and dump, then two monitor round trips: the reads, then the restores with the resume.
    expect(vga.log.filter((c) => c === 'stop')).toHaveLength(1);
    expect(vga.batches).toBe(2);
  });

  it('follows a mono adapter to 0x3b4 and 0xb0000, restoring the GC index it found', async () => {
    const vga = new FakeVga();
    vga.misc = 0x66;
    vga.gc[6] = 0x0a; // text, window 0xb0000
    vga.put(0xb0000, 'Hercules says hi');
    const rows = await read(vga);
    expect(rows![0]).toBe('Hercules says hi');
    expect([vga.gcIndex, vga.crtcIndex, vga.running]).toEqual([0x05, 0x0e, true]);
  });

  it('peeks at all of text memory without pausing, and hands back the last peek while memory is unchanged', async () => {
    const vga = new FakeVga();
    vga.put(0xb8000 + 0x7000, 'scrolled far down');
    const dir = await mkdtemp(join(tmpdir(), 'bg-peek-test-'));
    try {
      const peek = (previous?: TextPeek) => peekTextWindow(vga as unknown as QmpClient, undefined, scratchAt(join(dir, 'peek.bin')), previous);
      const first = await peek();
      expect(first.text).toContain('scrolled far down');
      expect(vga.log).not.toContain('stop');
      expect(await peek(first)).toBe(first);
      vga.put(0xb8000, 'new');
      const changed = await peek(first);
      expect(changed).not.toBe(first);
      expect(changed.text.startsWith('new')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves a paused VM paused, and answers undefined in a graphics mode', async () => {
    const paused = new FakeVga();
    paused.running = false;
    expect(await read(paused)).toHaveLength(25);
    expect(paused.running).toBe(false);
    expect(paused.log).not.toContain('cont');

    const graphics = new FakeVga();
    graphics.gc[6] = 0x05;
    expect(await read(graphics)).toBeUndefined();
    expect([graphics.gcIndex, graphics.crtcIndex, graphics.running]).toEqual([0x05, 0x0e, true]);
  });
});
