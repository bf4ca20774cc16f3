/**
 * One v86 emulator in its own worker thread. v86 throws from its main loop on some guests
 * (memtest86+ ends in a RangeError in its paging code); in the main thread that would kill the
 * whole run. Here the error becomes a `crash` message and only this thread dies.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { V86, type V86Options } from 'v86';
import type {
  V86PointerDevice,
  V86Replies,
  V86RequestEnvelope,
  V86WorkerData,
  V86WorkerMessage,
  V86WorkerStats,
} from './v86-protocol.js';
import { scancodesForChord } from './v86-keys.js';
import { kernelVideoMode, SETUP_VID_MODE_ADDRESS, withLoadableKernel } from './v86-kernel-image.js';
import { installImageDataShim, VgaCamera, type V86Vga } from './v86-screen.js';
import { biosKeyBuffer, typeChords, type KeyboardPort } from './v86-typing.js';
import { isStrayFetch } from '../stray-fetch.js';
import type { PointerButton } from '../pointer.js';
import { PS2_PACKET_MS } from '../pointer-landing.js';

/** The parts of v86's internals used here; they are not in its typings. */
interface V86Internals {
  v86?: {
    cpu: {
      devices: {
        vga: V86Vga;
        ps2: { kbd_buffer: { length: number }; mouse_buffer: { length: number } };
        vmware?: { queue: { length: number } };
        ide?: { primary?: { master?: { buffer?: DiskBuffer } } };
      };
      wasm_memory: WebAssembly.Memory;
      /** Views into the wasm memory: the CPU's state as it runs. */
      in_hlt: Uint8Array;
      reg32: Int32Array;
      flags: Int32Array;
      instruction_pointer: Int32Array;
      sreg: Uint16Array;
      segment_offsets: Int32Array;
      cr: Int32Array;
      memory_size: Uint32Array;
      /** Every reset of the machine goes through here: the keyboard controller's, the chipset's, restart(). */
      reboot_internal(): void;
    };
  };
  screen_adapter: { get_text_screen(): string[] };
  /** The device bus; its mouse events reach the PS/2 mouse and the VMware pointer alike. */
  bus: { send(event: string, data: unknown): void };
}

/** v86's disk buffers: whole-file (SyncBuffer) or lazy with a cache of written 256-byte blocks. */
interface DiskBuffer {
  buffer?: ArrayBuffer;
  block_cache?: Map<number, Uint8Array>;
  block_cache_is_write?: Set<number>;
}

const port = parentPort!;
const data = workerData as V86WorkerData;
let serialBytes: number[] = [];
let serialCounts: number[] = [];

function post(message: V86WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function die(error: unknown): never {
  const err = error instanceof Error ? error : new Error(String(error));
  flushSerial(); // the guest's last words belong in the serial log
  post({ type: 'crash', message: `${err.name}: ${err.message}` });
  // Messages posted before exit are delivered; the main thread then sees the exit.
  process.exit(1);
}
process.on('uncaughtException', die);
process.on('unhandledRejection', die);

installImageDataShim();
const emulator = new V86(withLoadableKernel(data.options) as unknown as V86Options);
const internals = emulator as unknown as V86Internals;
let started = false;

// run() sends this before the first instruction: the moment to fix up what v86's loader wrote.
emulator.add_listener('emulator-started', () => {
  started = true;
  const mode = data.options.bzimage && !data.options.initial_state ? kernelVideoMode(data.options.cmdline ?? '') : undefined;
  if (mode !== undefined) emulator.write_memory([mode & 0xff, mode >> 8], SETUP_VID_MODE_ADDRESS);
  watchResets();
  post({ type: 'started' });
  post({ type: 'sample', stats: stats() });
});

// One message per byte would cost more than the emulation; batch until the loop yields. The
// listener runs inside the guest's write to the UART, so the count is the byte's own.
emulator.add_listener('serial0-output-byte', (byte) => {
  if (serialBytes.length === 0) setImmediate(flushSerial);
  serialBytes.push(byte);
  serialCounts.push(instructions());
});
function flushSerial(): void {
  if (serialBytes.length === 0) return;
  const bytes = Uint8Array.from(serialBytes);
  const counts = Float64Array.from(serialCounts);
  serialBytes = [];
  serialCounts = [];
  post({ type: 'serial-output', bytes, instructions: counts }, [bytes.buffer, counts.buffer]);
}

// v86's instruction counter is a wrapping u32: sample it often enough (every second, and at
// every serial byte, screen read and input) to count the wraps.
let instructionsBase = 0;
let lastInstructions = 0;
function instructions(): number {
  if (!started) return 0;
  const now = emulator.get_instruction_counter();
  if (now < lastInstructions) instructionsBase += 2 ** 32;
  lastInstructions = now;
  return instructionsBase + now;
}

/** Set while bootgate's own reset runs, which is not the guest's doing. */
let resetRequested = false;

function watchResets(): void {
  const c = cpu();
  const reboot = c.reboot_internal.bind(c);
  c.reboot_internal = () => {
    if (!resetRequested) post({ type: 'guest-reset' });
    reboot();
  };
}

/** A reset may or may not zero v86's counter: rebase so the count only ever grows. */
function restartKeepingCount(): void {
  const before = instructions();
  resetRequested = true;
  try {
    emulator.restart();
  } finally {
    resetRequested = false;
  }
  lastInstructions = emulator.get_instruction_counter();
  instructionsBase = before - lastInstructions;
}
let peakOwnBytes = 0;
function stats(): V86WorkerStats {
  const memory = process.memoryUsage();
  peakOwnBytes = Math.max(peakOwnBytes, memory.heapTotal + memory.external);
  return {
    instructions: instructions(),
    memory,
    peakOwnBytes,
    wasmMemoryBytes: internals.v86?.cpu.wasm_memory.buffer.byteLength ?? 0,
  };
}
setInterval(() => {
  if (started) post({ type: 'sample', stats: stats() });
}, 1000).unref();

function cpu(): NonNullable<V86Internals['v86']>['cpu'] {
  if (!internals.v86) throw new Error('the emulator is not running yet');
  return internals.v86.cpu;
}

const camera = new VgaCamera();

const keyboard: KeyboardPort = {
  send: (codes) => void emulator.keyboard_send_scancodes([...codes]),
  unread: () => cpu().devices.ps2.kbd_buffer.length,
  biosBuffer: () => biosKeyBuffer(emulator.read_memory(0x400, 0x100)),
};

/**
 * v86 always has both its PS/2 mouse and its VMware pointer (disable_mouse only leaves out the
 * browser's mouse handler): they are fed through the bus. The PS/2 mouse counts y upwards, and a
 * click event carries all three buttons, so their state is kept here.
 *
 * v86 also looks like a VMware VM to its guest, so a Linux with the vmmouse protocol built in
 * binds it on the PS/2 port and then takes motion and buttons from the backdoor's queue only: a
 * PS/2 packet just tells it to read that queue. v86 copies PS/2 deltas, clicks and wheel into
 * the queue only under "pointer lock", and for the absolute pointer it queues clicks only after
 * a position. So the device chosen decides the lock (set before every operation: a restored
 * state does not carry it), and an absolute move is followed by a click event with the buttons
 * as they are, whose PS/2 packet makes the guest read the queue (the backdoor raises no IRQ).
 * A guest without vmmouse never enabled the backdoor, and reads the plain PS/2 stream as before.
 */
const buttons: Record<PointerButton, boolean> = { left: false, middle: false, right: false };
function useDevice(device: V86PointerDevice): void {
  internals.bus.send('mouse-pointer-lock', device === 'ps2');
}

function sendButtons(): void {
  internals.bus.send('mouse-click', [buttons.left, buttons.middle, buttons.right]);
}

/** How long a walk waits for the guest to read what it was sent before it answers anyway. */
const MOUSE_DRAIN_TIMEOUT_MS = 2000;

async function pointerDeltas(deltas: ReadonlyArray<readonly [number, number]>): Promise<void> {
  useDevice('ps2');
  for (const [dx, dy] of deltas) {
    internals.bus.send('mouse-delta', [dx, -dy]);
    await delay(PS2_PACKET_MS);
  }
  // On a loaded host the guest reads its mouse late: the walk looks at the cursor only once the
  // guest has taken the PS/2 bytes and the VMware queue. A guest that never enabled its mouse
  // has nothing queued and gets its answer at once; one that enabled it and does not read it,
  // after the timeout.
  const { ps2, vmware } = cpu().devices;
  const deadline = performance.now() + MOUSE_DRAIN_TIMEOUT_MS;
  while ((ps2.mouse_buffer.length > 0 || (vmware?.queue.length ?? 0) > 0) && performance.now() < deadline) await delay(PS2_PACKET_MS);
}

async function handle(request: V86RequestEnvelope): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.type) {
    case 'text-screen': {
      const value: V86Replies['text-screen'] = {
        rows: cpu().devices.vga.graphical_mode ? undefined : internals.screen_adapter.get_text_screen(),
        instructions: instructions(),
      };
      return { value };
    }
    case 'screenshot': {
      const value: V86Replies['screenshot'] = { ...camera.take(cpu().devices.vga, request.since), instructions: instructions() };
      return { value, ...(value.image ? { transfer: [value.image.data.buffer as ArrayBuffer] } : {}) };
    }
    case 'press':
      keyboard.send(scancodesForChord(request.chord));
      return { value: instructions() };
    case 'type':
      await typeChords(keyboard, request.chords, request.msPerChar);
      return { value: instructions() };
    case 'serial':
      emulator.serial0_send(request.text);
      return { value: instructions() };
    case 'pointer-absolute':
      useDevice('vmmouse');
      // v86 scales to 0..65535 by x / width: the pixel's centre, so the guest's driver lands on it.
      internals.bus.send('mouse-absolute', [request.x + 0.5, request.y + 0.5, request.width, request.height]);
      sendButtons();
      return { value: instructions() };
    case 'pointer-deltas':
      await pointerDeltas(request.deltas);
      return { value: instructions() };
    case 'pointer-button':
      useDevice(request.device);
      buttons[request.button] = request.down;
      sendButtons();
      return { value: instructions() };
    case 'pointer-scroll':
      useDevice(request.device);
      // v86's wheel event counts up-notches (a browser's wheelDelta sign), one notch per event.
      for (let n = Math.abs(Math.trunc(request.notches)); n > 0; n--) internals.bus.send('mouse-wheel', [request.notches > 0 ? -1 : 1, 0]);
      return { value: instructions() };
    case 'reset':
      restartKeepingCount();
      return { value: instructions() };
    case 'cpu-sample': {
      const c = cpu();
      const value: V86Replies['cpu-sample'] = {
        halted: c.in_hlt[0] !== 0,
        interrupts: (c.flags[0]! & 0x200) !== 0,
        state: `${Array.from(c.reg32).join(' ')} ${c.flags[0]} ${c.instruction_pointer[0]}`,
        at: `${c.sreg[1]!.toString(16).padStart(4, '0')}:${((c.instruction_pointer[0]! - c.segment_offsets[1]!) >>> 0).toString(16).padStart(8, '0')}`,
        strayed: (c.cr[0]! & 0x80000000) === 0 && isStrayFetch(c.instruction_pointer[0]!, c.memory_size[0]!),
      };
      return { value };
    }
    case 'stats':
      return { value: stats() };
    case 'save-state':
      // Written here: 15 MB or more need not cross to the main thread. Async images keep only their written blocks in it.
      writeFileSync(request.file, new Uint8Array(await emulator.save_state()));
      return { value: undefined };
    case 'stop':
      await stop();
      return { value: undefined };
  }
}

async function stop(): Promise<void> {
  flushSerial();
  if (!started) return;
  const disk = cpu().devices.ide?.primary?.master?.buffer;
  if (data.writeBackDisk && disk) writeBack(data.writeBackDisk, disk);
  await emulator.destroy();
}

/** Only the blocks the guest wrote go to the file, so a large sparse per-job disk stays cheap. */
function writeBack(file: string, disk: DiskBuffer): void {
  if (disk.block_cache && disk.block_cache_is_write) {
    const fd = openSync(file, 'r+');
    try {
      for (const index of disk.block_cache_is_write) {
        const block = disk.block_cache.get(index);
        if (block) writeSync(fd, block, 0, block.length, index * 256);
      }
    } finally {
      closeSync(fd);
    }
  } else if (disk.buffer) {
    writeFileSync(file, new Uint8Array(disk.buffer));
  }
}

port.on('message', (request: V86RequestEnvelope) => {
  handle(request).then(
    ({ value, transfer }) => {
      post({ type: 'reply', id: request.id, value }, transfer);
      if (request.type === 'stop') process.exit(0);
    },
    (error: unknown) => post({ type: 'reply-error', id: request.id, message: error instanceof Error ? error.message : String(error) }),
  );
});
