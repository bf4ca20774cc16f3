import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, InfraError, UnsupportedProfileError } from '../../harness/errors.js';
import { killAllNow, liveCount, registerCleanup } from '../../harness/machine/cleanup-registry.js';
import type { MachineSpec } from '../../harness/machine/machine.js';
import type { Media } from '../../harness/machine/media.js';
import type { Profile } from '../../harness/machine/profile.js';
import { qemuCommandLine, shellQuote, type QemuPaths } from '../../harness/machine/qemu/qemu-command-line.js';
import { takeScreenshot } from '../../harness/machine/qemu/qemu-screenshot.js';
import { cursorOnPage, decodeTextPage, peekTextWindow, readTextScreen, textGeometry, type TextPeek } from '../../harness/machine/qemu/qemu-text-screen.js';
import { QmpClient } from '../../harness/machine/qemu/qmp-client.js';
import { HmpMonitor } from '../../harness/machine/qemu/hmp-monitor.js';
import { QmpError } from '../../harness/machine/qemu/qmp-error.js';
import { loadProfileFile, PROJECT_VM_CONFIGS } from '../../harness/vm-config/load-profile.js';

const profile = (name: string): Profile => loadProfileFile(join(PROJECT_VM_CONFIGS, `${name}.yaml`));
const paths: QemuPaths = { qmpSocket: '/w/qmp.sock', hmpSocket: '/w/hmp.sock', serialFifoBase: '/w/serial0' };
const spec = (p: Profile, media: Media = { cdrom: '/img/cd.iso' }): MachineSpec => ({ profile: p, media, workDir: '/w' });

/** The value following the n-th occurrence of `flag`. */
function valuesOf(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));
}

describe('qemuCommandLine', () => {
  it('puts a guest-clock machine on icount with a fixed virtual RTC, the plugin and exactly the trace events its log is read with', () => {
    const argv = qemuCommandLine({ ...spec(profile('p3-i440fx')), guestClock: true }, { ...paths, guestClockLog: '/w/guest-clock.log' }, { guestClockPlugin: '/c/guest,clock.so' });
    expect(valuesOf(argv, '-icount')).toEqual(['shift=2,sleep=off']);
    expect(valuesOf(argv, '-rtc')).toEqual(['base=2020-01-01T00:00:00,clock=vm']);
    expect(valuesOf(argv, '-plugin')).toEqual(['/c/guest,,clock.so']);
    expect(valuesOf(argv, '-d')).toEqual([
      'plugin,trace:serial_write,trace:serial_read,trace:pckbd_kbd_read_data,trace:qmp_enter_stop,trace:qmp_enter_screendump,trace:qmp_enter_send_key,trace:qmp_enter_system_reset',
    ]);
    expect(valuesOf(argv, '-D')).toEqual(['/w/guest-clock.log']);
    const plain = qemuCommandLine(spec(profile('p3-i440fx')), paths);
    for (const flag of ['-icount', '-rtc', '-plugin', '-d', '-D']) expect(plain).not.toContain(flag);
  });

  it('builds a headless, paused, sandboxed machine with a bounded translation cache and no NIC', () => {
    const argv = qemuCommandLine(spec(profile('p3-i440fx')), paths);
    expect(argv.slice(0, 6)).toEqual(['-nodefaults', '-no-user-config', '-display', 'none', '-S', '-sandbox']);
    expect(valuesOf(argv, '-sandbox')).toEqual(['on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny']);
    expect(valuesOf(argv, '-accel')).toEqual(['tcg,tb-size=64']);
    expect(valuesOf(argv, '-nic')).toEqual(['none']);
    expect(argv).not.toContain('-no-reboot');
    expect(argv).not.toContain('-netdev');
    expect(valuesOf(argv, '-audiodev')).toEqual(['none,id=snd0']);
    expect(valuesOf(argv, '-chardev')).toEqual(['pipe,id=ser0,path=/w/serial0', 'socket,id=qmp0,path=/w/qmp.sock,server=on,wait=off', 'socket,id=hmp0,path=/w/hmp.sock,server=on,wait=off']);
    expect(valuesOf(argv, '-serial')).toEqual(['chardev:ser0']);
    expect(valuesOf(argv, '-mon')).toEqual(['chardev=qmp0,mode=control', 'chardev=hmp0,mode=readline']);
    expect(qemuCommandLine(spec(profile('p3-i440fx')), paths, { sandbox: false })).not.toContain('-sandbox');
  });

  it('maps p3-i440fx: pc with ACPI, pentium3, 128 MiB, std VGA, CD read-only, boot order', () => {
    const argv = qemuCommandLine(spec(profile('p3-i440fx')), paths);
    expect(valuesOf(argv, '-machine')).toEqual(['pc,acpi=on,pcspk-audiodev=snd0']);
    expect(valuesOf(argv, '-cpu')).toEqual(['pentium3']);
    expect(valuesOf(argv, '-m')).toEqual(['128M']);
    expect(valuesOf(argv, '-device')).toEqual(['VGA']);
    expect(valuesOf(argv, '-drive')).toEqual([
      'file=/img/cd.iso,if=ide,index=2,media=cdrom,readonly=on,format=raw',
      'if=floppy,index=0', // the profile has a floppy drive, empty here
    ]);
    expect(valuesOf(argv, '-boot')).toEqual(['order=dca']);
  });

  it('maps 486-isa: isapc without ACPI option, 486, 16 MiB, isa-vga, floppy read-only, floppy first', () => {
    const argv = qemuCommandLine(spec(profile('486-isa'), { floppy: '/img/fd.img' }), paths);
    expect(valuesOf(argv, '-machine')).toEqual(['isapc,pcspk-audiodev=snd0']);
    expect(valuesOf(argv, '-cpu')).toEqual(['486']);
    expect(valuesOf(argv, '-m')).toEqual(['16M']);
    expect(valuesOf(argv, '-device')).toEqual(['isa-vga']);
    expect(valuesOf(argv, '-drive')).toEqual(['file=/img/fd.img,if=floppy,index=0,readonly=on,format=raw']);
    expect(valuesOf(argv, '-boot')).toEqual(['order=adc']);
  });

  it('maps p5-i440fx to Cirrus VGA and pentium, and VGA kinds one to one', () => {
    const p5 = profile('p5-i440fx');
    const argv = qemuCommandLine(spec(p5), paths);
    expect(valuesOf(argv, '-device')).toEqual(['cirrus-vga']);
    expect(valuesOf(argv, '-cpu')).toEqual(['pentium']);
    expect(valuesOf(argv, '-m')).toEqual(['32M']);
    const isaCirrus = qemuCommandLine(spec({ ...profile('486-isa'), vga: 'isa-cirrus' }), paths);
    expect(valuesOf(isaCirrus, '-device')).toEqual(['isa-cirrus-vga']);
  });

  it('takes memory and ACPI off from the profile', () => {
    const argv = qemuCommandLine(spec({ ...profile('p2-i440fx'), memoryMiB: 384, acpi: false }), paths);
    expect(valuesOf(argv, '-m')).toEqual(['384M']);
    expect(valuesOf(argv, '-machine')).toEqual(['pc,acpi=off,pcspk-audiodev=snd0']);
  });

  it('boots a kernel with initrd, appending the profile kernelArgs to the command line', () => {
    const media: Media = { kernel: '/k/linux', initrd: '/k/initrd.gz', append: 'console=ttyS0,115200n8 quiet' };
    const argv = qemuCommandLine(spec(profile('486-isa'), media), paths);
    expect(valuesOf(argv, '-kernel')).toEqual(['/k/linux']);
    expect(valuesOf(argv, '-initrd')).toEqual(['/k/initrd.gz']);
    expect(valuesOf(argv, '-append')).toEqual(['console=ttyS0,115200n8 quiet noapic']);
    // Without an append of its own the profile's arguments stand alone; without either, no -append.
    expect(valuesOf(qemuCommandLine(spec(profile('486-isa'), { kernel: '/k/linux' }), paths), '-append')).toEqual(['noapic']);
    expect(qemuCommandLine(spec(profile('p3-i440fx'), { kernel: '/k/linux' }), paths)).not.toContain('-append');
  });

  it('attaches a disk through the overlay, never the input image, unless it is a writable per-job disk', () => {
    const media: Media = { disk: '/img/hd.raw' };
    const argv = qemuCommandLine(spec(profile('p3-i440fx'), media), { ...paths, diskOverlay: '/w/disk-overlay.qcow2' });
    expect(valuesOf(argv, '-drive')[0]).toBe('file=/w/disk-overlay.qcow2,if=ide,index=0,media=disk,format=qcow2');
    expect(argv.join(' ')).not.toContain('/img/hd.raw');
    expect(() => qemuCommandLine(spec(profile('p3-i440fx'), media), paths)).toThrow(/diskOverlay/);
    const writable = qemuCommandLine(spec(profile('p3-i440fx'), { disk: '/img/hd.qcow2', diskWritable: true }), { ...paths, diskFormat: 'qcow2' });
    expect(valuesOf(writable, '-drive')[0]).toBe('file=/img/hd.qcow2,if=ide,index=0,media=disk,format=qcow2');
  });

  it('escapes commas in paths so they cannot inject options', () => {
    const argv = qemuCommandLine(spec(profile('p3-i440fx'), { cdrom: '/img/a,format=qcow2.iso' }), { ...paths, serialFifoBase: '/w,x/serial0' });
    expect(valuesOf(argv, '-drive')[0]).toBe('file=/img/a,,format=qcow2.iso,if=ide,index=2,media=cdrom,readonly=on,format=raw');
    expect(valuesOf(argv, '-chardev')[0]).toBe('pipe,id=ser0,path=/w,,x/serial0');
  });

  it('adds sound cards on the silent audio backend and a restricted user-mode NIC only when asked', () => {
    const argv = qemuCommandLine(spec({ ...profile('486-isa'), sound: ['sb16', 'adlib', 'pcspk'], nic: 'ne2k_isa' }), paths);
    expect(valuesOf(argv, '-device')).toEqual(['isa-vga', 'ne2k_isa,netdev=net0', 'sb16,audiodev=snd0', 'adlib,audiodev=snd0']);
    expect(valuesOf(argv, '-netdev')).toEqual(['user,id=net0,restrict=on']);
    expect(argv).not.toContain('-nic');
  });

  it.each([
    [{ machine: 'isapc', vga: 'std' }, 'vga'],
    [{ machine: 'isapc', vga: 'isa-vga', diskBus: 'ide' }, 'diskBus'],
    [{ machine: 'isapc', vga: 'isa-vga', diskBus: 'isa-ide', nic: 'rtl8139' }, 'nic'],
    [{ machine: 'isapc', vga: 'isa-vga', diskBus: 'isa-ide', acpi: true }, 'acpi'],
    [{ machine: 'pc', diskBus: 'isa-ide' }, 'diskBus'],
    [{ machine: 'q35' }, 'machine'],
    [{ cpu: 'pentium3 -hda /etc/passwd' }, 'cpu'],
    [{ memoryMiB: 0 }, 'memory'],
    [{ bootOrder: [] }, 'bootOrder'],
  ] as const)('refuses what QEMU cannot express: %j → %s', (override, field) => {
    const p = { ...profile('p3-i440fx'), ...override } as Profile;
    let error: unknown;
    try {
      qemuCommandLine(spec(p), paths);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedProfileError);
    expect((error as UnsupportedProfileError).field).toBe(field);
    expect((error as UnsupportedProfileError).backend).toBe('qemu');
  });

  it('refuses media the profile has no drive for, and an initrd without a kernel', () => {
    expect(() => qemuCommandLine(spec({ ...profile('p3-i440fx'), floppy: false }, { floppy: '/img/fd.img' }), paths)).toThrow(ConfigError);
    expect(() => qemuCommandLine(spec(profile('p3-i440fx'), { initrd: '/k/initrd.gz' }), paths)).toThrow(ConfigError);
  });
});

describe('shellQuote', () => {
  it('quotes only what the shell would split or expand', () => {
    expect(shellQuote(['qemu-system-i386', '-append', "console=ttyS0 it's", '-m', '64M'])).toBe(`qemu-system-i386 -append 'console=ttyS0 it'\\''s' -m 64M`);
  });
});

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
    expect(decodeTextPage(window, geometry)).toEqual(['top', '╔═╗']);
  });
});

describe('QmpClient against a scripted QMP server', () => {
  const GREETING = { QMP: { version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'test' }, capabilities: [] } };

  /** A QMP server that answers by a table and records what it got; listening starts after `delayMs`. */
  async function fakeQmp(answer: (cmd: { execute: string; arguments?: Record<string, unknown> }) => object, delayMs = 0) {
    const dir = await mkdtemp(join(tmpdir(), 'bg-qmp-test-'));
    const path = join(dir, 'qmp.sock');
    const received: string[] = [];
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.write(`${JSON.stringify(GREETING)}\r\n`);
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const cmd = JSON.parse(buffer.slice(0, nl)) as { execute: string; id: string; arguments?: Record<string, unknown> };
          buffer = buffer.slice(nl + 1);
          received.push(cmd.execute);
          if (cmd.execute === 'qmp_capabilities') socket.write(`${JSON.stringify({ return: {}, id: cmd.id })}\r\n`);
          else socket.write(`${JSON.stringify({ ...answer(cmd), id: cmd.id })}\r\n`);
        }
      });
    });
    setTimeout(() => server.listen(path), delayMs);
    const close = async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    };
    return { path, received, sockets, close };
  }

  it('waits for the socket, negotiates capabilities, matches replies, and types refusals', async () => {
    const server = await fakeQmp((cmd) => {
      if (cmd.execute === 'query-status') return { return: { running: true, status: 'running' } };
      return { error: { class: 'CommandNotFound', desc: `The command ${cmd.execute} has not been found` } };
    }, 150);
    try {
      const qmp = await QmpClient.connect(server.path, { timeoutMs: 5000 });
      expect(qmp.greeting?.version.qemu.major).toBe(7);
      expect(server.received).toEqual(['qmp_capabilities']);
      const [status, again] = await Promise.all([qmp.execute<{ running: boolean }>('query-status'), qmp.execute<{ running: boolean }>('query-status')]);
      expect([status.running, again.running]).toEqual([true, true]);
      expect(qmp.sentCount('query-status')).toBe(2);
      const refused = await qmp.execute('nonexistent').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(QmpError);
      expect(refused).toBeInstanceOf(InfraError);
      expect(refused).toMatchObject({ command: 'nonexistent', qmpClass: 'CommandNotFound', desc: 'The command nonexistent has not been found' });

      const event = qmp.waitForEvent('SHUTDOWN', 2000, (e) => e.data?.guest === true);
      server.sockets[0]!.write(`${JSON.stringify({ event: 'SHUTDOWN', data: { guest: false }, timestamp: { seconds: 1, microseconds: 0 } })}\r\n`);
      server.sockets[0]!.write(`${JSON.stringify({ event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' }, timestamp: { seconds: 2, microseconds: 0 } })}\r\n`);
      expect((await event).data).toEqual({ guest: true, reason: 'guest-shutdown' });

      // A command in flight when the connection drops rejects instead of hanging.
      server.sockets[0]!.pause();
      const pending = qmp.execute('query-status');
      server.sockets[0]!.destroy();
      await expect(pending).rejects.toThrow(InfraError);
      await qmp.closed;
      expect(qmp.isOpen).toBe(false);
      await expect(qmp.execute('query-status')).rejects.toThrow(/connection (closed|lost)/);
    } finally {
      await server.close();
    }
  });

  it('gives up when told to, and after its timeout', async () => {
    const missing = join(tmpdir(), `bg-no-such-${process.pid}.sock`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new InfraError('qemu exited while starting')), 100);
    await expect(QmpClient.connect(missing, { timeoutMs: 5000, signal: controller.signal })).rejects.toThrow('qemu exited while starting');
    await expect(QmpClient.connect(missing, { timeoutMs: 200 })).rejects.toThrow(/did not accept a connection within 200 ms/);
  });
});

describe('cleanup registry', () => {
  it('runs every registered kill once on demand, and installs signal handlers only while something is registered', () => {
    const before = process.listenerCount('SIGTERM');
    const calls: string[] = [];
    const offA = registerCleanup(() => calls.push('a'));
    const offB = registerCleanup(() => {
      calls.push('b');
      throw new Error('already gone');
    });
    expect(liveCount()).toBe(2);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    killAllNow();
    expect(calls).toEqual(['a', 'b']);
    offA();
    offB();
    expect(liveCount()).toBe(0);
    expect(process.listenerCount('SIGTERM')).toBe(before);
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
      return (await readTextScreen(vga as unknown as QmpClient, vga, join(dir, 'vga.bin'))).rows;
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
      const peek = (previous?: TextPeek) => peekTextWindow(vga as unknown as QmpClient, undefined, join(dir, 'peek.bin'), previous);
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

describe('takeScreenshot', () => {
  it('decodes screendump PPM to RGBA, and returns the previous shot itself while the screen is unchanged', async () => {
    let pixels = [1, 2, 3, 4, 5, 6];
    const qmp = {
      execute: async (command: string, args: { filename: string }) => {
        expect(command).toBe('screendump');
        await writeFile(args.filename, Buffer.concat([Buffer.from('P6\n# comment\n2 1\n255\n'), Buffer.from(pixels)]));
        return {};
      },
    } as unknown as QmpClient;
    const dir = await mkdtemp(join(tmpdir(), 'bg-shot-test-'));
    try {
      const first = await takeScreenshot(qmp, join(dir, 'a.ppm'));
      expect(first.frame).toEqual({ width: 2, height: 1, data: new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255]) });
      expect(await takeScreenshot(qmp, join(dir, 'b.ppm'), first)).toBe(first);
      pixels = [1, 2, 3, 4, 5, 7];
      const changed = await takeScreenshot(qmp, join(dir, 'c.ppm'), first);
      expect(changed).not.toBe(first);
      expect(changed.frame.data[6]).toBe(7);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('HmpMonitor', () => {
  /** A readline monitor as QEMU 7.2 runs one: banner, then per line an echo with redraws, the output, a prompt. */
  async function fakeHmp(answer: (line: string) => string) {
    const dir = await mkdtemp(join(tmpdir(), 'bg-hmp-'));
    const path = join(dir, 'hmp.sock');
    const server = createServer((socket) => {
      socket.write("QEMU 7.2.22 monitor - type 'help' for more information\r\n(qemu) ");
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const echo = [...line].map((_, i) => `${line.slice(0, i + 1)}\x1b[K\x1b[D`).join('');
          const out = answer(line);
          socket.write(`${echo}\r\n${out ? `${out}\r\n` : ''}(qemu) `);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return { path, close: async () => { await new Promise((r) => server.close(r)); await rm(dir, { recursive: true, force: true }); } };
  }

  it('runs a batch and returns each line its own output, echo and prompts stripped', async () => {
    const server = await fakeHmp((line) => (line.startsWith('i ') ? `portb[0x${line.slice(7).padStart(4, '0')}] = 0x67` : ''));
    try {
      const hmp = await HmpMonitor.connect(server.path);
      expect(await hmp.run(['i /b 0x3cc', 'o /b 0x3ce 0x6', 'i /b 0x3cf'])).toEqual(['portb[0x03cc] = 0x67', '', 'portb[0x03cf] = 0x67']);
      expect(await hmp.run(['cont'])).toEqual(['']);
      hmp.close();
    } finally {
      await server.close();
    }
  });

  it('turns a refusal into a typed error, as QEMU words it', async () => {
    const server = await fakeHmp((line) => (line === 'bogus' ? "unknown command: 'bogus'" : line === 'o /b 0x3d4' ? 'unexpected end of expression\r\nTry "help o" for more information' : ''));
    try {
      const hmp = await HmpMonitor.connect(server.path);
      await expect(hmp.run(['cont', 'bogus'])).rejects.toMatchObject({ qmpClass: 'HmpError', desc: "unknown command: 'bogus'" });
      await expect(hmp.run(['o /b 0x3d4'])).rejects.toThrow(/unexpected end of expression/);
      expect(await hmp.run(['stop'])).toEqual(['']); // the monitor is still in step after a refusal
      hmp.close();
    } finally {
      await server.close();
    }
  });
});
