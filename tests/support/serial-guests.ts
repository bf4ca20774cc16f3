/**
 * Boot sectors that talk on COM1, for tests that need a guest of a known shape: one that prints
 * the disk's second sector (so a test sees the image was read, whatever its size), one that
 * floods the serial port forever, one that redraws a 256-colour screen in a loop, and the shapes
 * of a boot gone wrong: one that halts, one that spins with interrupts off, one that computes
 * quietly for a while before it speaks, one that triple-faults (a reset loop), one that draws a
 * blue STOP screen, one that checks its CPU for cmov. Each starts
 * with a line of its own on COM1 so a test can wait for it. Hand-assembled like boot-sector.ts;
 * all position independent (relative jumps, data addressed from segment 0).
 */
import { assemble } from './boot-sector.js';

type Program = NonNullable<Parameters<typeof assemble>[0]>;

const COM1 = [0xba, 0xf8, 0x03]; // mov dx, 0x3f8

const PROLOGUE: Program = [
  { asm: 'cli', bytes: [0xfa] },
  { asm: 'xor ax, ax', bytes: [0x31, 0xc0] },
  { asm: 'mov ss, ax', bytes: [0x8e, 0xd0] },
  { asm: 'mov ds, ax', bytes: [0x8e, 0xd8] },
  { asm: 'mov es, ax', bytes: [0x8e, 0xc0] },
  { asm: 'mov sp, 0x7c00', bytes: [0xbc, 0x00, 0x7c] },
  { asm: 'sti', bytes: [0xfb] },
  { asm: 'cld', bytes: [0xfc] },
];

const HALT: Program = [
  { label: 'halt' },
  { asm: 'cli', bytes: [0xfa] },
  { asm: 'hlt', bytes: [0xf4] },
  { asm: 'jmp short halt', opcode: 0xeb, to: 'halt' },
];

/** `out` of each character of `text` to COM1 (dx must hold 0x3f8). */
function say(text: string): Program {
  return [...text].flatMap((ch) => [
    { asm: `mov al, ${JSON.stringify(ch)}`, bytes: [0xb0, ch.charCodeAt(0)] },
    { asm: 'out dx, al', bytes: [0xee] },
  ]);
}

/** Reads sector 2 (CHS 0/0/2) of the boot drive to 0:7E00 and prints it up to its first NUL. */
const PRINT_SECTOR_2: Program = [
  ...PROLOGUE,
  { asm: 'mov ax, 0x0201', bytes: [0xb8, 0x01, 0x02] }, // read 1 sector
  { asm: 'mov cx, 0x0002', bytes: [0xb9, 0x02, 0x00] }, // cylinder 0, sector 2
  { asm: 'mov dh, 0', bytes: [0xb6, 0x00] }, // head 0; dl is the boot drive, as the BIOS left it
  { asm: 'mov bx, 0x7e00', bytes: [0xbb, 0x00, 0x7e] },
  { asm: 'int 0x13', bytes: [0xcd, 0x13] },
  { asm: 'mov dx, 0x3f8', bytes: COM1 },
  { asm: 'jc failed', opcode: 0x72, to: 'failed' },
  { asm: 'mov si, 0x7e00', bytes: [0xbe, 0x00, 0x7e] },
  { label: 'print' },
  { asm: 'lodsb', bytes: [0xac] },
  { asm: 'test al, al', bytes: [0x84, 0xc0] },
  { asm: 'jz halt', opcode: 0x74, to: 'halt' },
  { asm: 'out dx, al', bytes: [0xee] },
  { asm: 'jmp short print', opcode: 0xeb, to: 'print' },
  { label: 'failed' },
  ...say('READ FAILED\n'),
  ...HALT,
];

/** Says "FLOOD\n", then writes lines of 79 'x' and a newline to COM1 forever, never waiting for the UART. */
const FLOOD: Program = [
  ...PROLOGUE,
  { asm: 'mov dx, 0x3f8', bytes: COM1 },
  ...say('FLOOD\n'),
  { label: 'line' },
  { asm: 'mov cx, 79', bytes: [0xb9, 0x4f, 0x00] },
  { asm: "mov al, 'x'", bytes: [0xb0, 0x78] },
  { label: 'char' },
  { asm: 'out dx, al', bytes: [0xee] },
  { asm: 'loop char', opcode: 0xe2, to: 'char' },
  { asm: "mov al, '\\n'", bytes: [0xb0, 0x0a] },
  { asm: 'out dx, al', bytes: [0xee] },
  { asm: 'jmp short line', opcode: 0xeb, to: 'line' },
];

/**
 * Says "FLIP\n", sets mode 13h and then redraws all 64,000 pixels forever, each pass a different
 * diagonal pattern (pixel = index × step, step + 1 per pass): every screenshot differs from the last.
 */
const FLIP: Program = [
  ...PROLOGUE,
  { asm: 'mov dx, 0x3f8', bytes: COM1 },
  ...say('FLIP\n'),
  { asm: 'mov ax, 0x0013', bytes: [0xb8, 0x13, 0x00] },
  { asm: 'int 0x10', bytes: [0xcd, 0x10] },
  { asm: 'mov ax, 0xa000', bytes: [0xb8, 0x00, 0xa0] },
  { asm: 'mov es, ax', bytes: [0x8e, 0xc0] },
  { asm: 'mov bl, 1', bytes: [0xb3, 0x01] }, // bl = step
  { label: 'pass' },
  { asm: 'xor di, di', bytes: [0x31, 0xff] },
  { asm: 'xor ax, ax', bytes: [0x31, 0xc0] },
  { asm: 'mov cx, 64000', bytes: [0xb9, 0x00, 0xfa] },
  { label: 'pixel' },
  { asm: 'stosb', bytes: [0xaa] },
  { asm: 'add al, bl', bytes: [0x00, 0xd8] },
  { asm: 'loop pixel', opcode: 0xe2, to: 'pixel' },
  { asm: 'inc bl', bytes: [0xfe, 0xc3] },
  { asm: 'jmp short pass', opcode: 0xeb, to: 'pass' },
];

/** Says "HALT\n", then halts with interrupts off: nothing can ever wake it. */
const HALT_FOR_GOOD: Program = [...PROLOGUE, { asm: 'mov dx, 0x3f8', bytes: COM1 }, ...say('HALT\n'), ...HALT];

/** Says "SPIN\n", then jumps to itself with interrupts off: busy for ever, and never anywhere else. */
const SPIN: Program = [
  ...PROLOGUE,
  { asm: 'mov dx, 0x3f8', bytes: COM1 },
  ...say('SPIN\n'),
  { asm: 'cli', bytes: [0xfa] },
  { label: 'spin' },
  { asm: 'jmp short spin', opcode: 0xeb, to: 'spin' },
];

/**
 * Says "QUIET\n", counts in eax without a word for `ticks` BIOS timer ticks (18.2 a second,
 * read from 0040:006C, which IRQ 0 advances), then says "DONE\n" and halts. Its registers change
 * all the time: a busy guest, not a stalled one.
 */
function quietWork(ticks: number): Program {
  return [
    ...PROLOGUE,
    { asm: 'mov dx, 0x3f8', bytes: COM1 },
    ...say('QUIET\n'),
    { asm: 'mov bx, [0x046c]', bytes: [0x8b, 0x1e, 0x6c, 0x04] },
    { label: 'work' },
    { asm: 'inc eax', bytes: [0x66, 0x40] },
    { asm: 'mov cx, [0x046c]', bytes: [0x8b, 0x0e, 0x6c, 0x04] },
    { asm: 'sub cx, bx', bytes: [0x29, 0xd9] },
    { asm: `cmp cx, ${ticks}`, bytes: [0x81, 0xf9, ticks & 0xff, ticks >> 8] },
    { asm: 'jb work', opcode: 0x72, to: 'work' },
    ...say('DONE\n'),
    ...HALT,
  ];
}

/**
 * Says "TRIPLE\n", loads an empty interrupt table, enters protected mode and raises int 3: the
 * #GP that follows has no entry either, nor the double fault after it, so the CPU shuts down and
 * the board resets it. The BIOS boots the sector again: a reset loop. (In real mode v86 ignores
 * the table's limit and would run the BIOS's int 3 handler instead.)
 */
const TRIPLE_FAULT: Program = [
  ...PROLOGUE,
  { asm: 'mov dx, 0x3f8', bytes: COM1 },
  ...say('TRIPLE\n'),
  { asm: 'push 0', bytes: [0x6a, 0x00] },
  { asm: 'push 0', bytes: [0x6a, 0x00] },
  { asm: 'push 0', bytes: [0x6a, 0x00] },
  { asm: 'mov bx, sp', bytes: [0x89, 0xe3] },
  { asm: 'lidt [bx]', bytes: [0x0f, 0x01, 0x1f] }, // limit 0, base 0
  { asm: 'mov eax, cr0', bytes: [0x0f, 0x20, 0xc0] },
  { asm: 'or al, 1', bytes: [0x0c, 0x01] },
  { asm: 'mov cr0, eax', bytes: [0x0f, 0x22, 0xc0] }, // protected mode; cs keeps its real-mode base
  { asm: 'int3', bytes: [0xcc] },
  ...HALT,
];

/** Says "RESET\n" and pulls the keyboard controller's reset line (0xFE to port 0x64): v86 resets on that, not on a triple fault. */
const RESET_LINE: Program = [
  ...PROLOGUE,
  { asm: 'mov dx, 0x3f8', bytes: COM1 },
  ...say('RESET\n'),
  { asm: 'mov al, 0xfe', bytes: [0xb0, 0xfe] },
  { asm: 'out 0x64, al', bytes: [0xe6, 0x64] },
  ...HALT,
];

/** Says "STOP\n", paints the text screen blue with "*** STOP: 0x0000007B" on its first row, and halts: a blue STOP screen. */
const STOP_SCREEN: Program = [
  ...PROLOGUE,
  { asm: 'mov dx, 0x3f8', bytes: COM1 },
  ...say('STOP\n'),
  { asm: 'mov ax, 0xb800', bytes: [0xb8, 0x00, 0xb8] },
  { asm: 'mov es, ax', bytes: [0x8e, 0xc0] },
  { asm: 'xor di, di', bytes: [0x31, 0xff] },
  { asm: 'mov ax, 0x1f20', bytes: [0xb8, 0x20, 0x1f] }, // a space, white on blue
  { asm: 'mov cx, 2000', bytes: [0xb9, 0xd0, 0x07] },
  { asm: 'rep stosw', bytes: [0xf3, 0xab] },
  { asm: 'mov di, 164', bytes: [0xbf, 0xa4, 0x00] }, // row 1, column 2
  ...[...'*** STOP: 0x0000007B'].flatMap((ch) => [
    { asm: `mov ax, 0x1f00 | ${JSON.stringify(ch)}`, bytes: [0xb8, ch.charCodeAt(0), 0x1f] },
    { asm: 'stosw', bytes: [0xab] },
  ]),
  ...HALT,
];

/** Says "CMOV OK\n" when CPUID says the CPU has cmov (leaf 1, EDX bit 15), else "NO CMOV\n": the check an i686 kernel makes first. */
const CMOV_CHECK: Program = [
  ...PROLOGUE,
  { asm: 'mov eax, 1', bytes: [0x66, 0xb8, 0x01, 0x00, 0x00, 0x00] },
  { asm: 'cpuid', bytes: [0x0f, 0xa2] },
  { asm: 'test edx, 0x8000', bytes: [0x66, 0xf7, 0xc2, 0x00, 0x80, 0x00, 0x00] },
  { asm: 'mov dx, 0x3f8', bytes: COM1 },
  { asm: 'jz nocmov', opcode: 0x74, to: 'nocmov' },
  ...say('CMOV OK\n'),
  { asm: 'jmp short halt', opcode: 0xeb, to: 'halt' },
  { label: 'nocmov' },
  ...say('NO CMOV\n'),
  ...HALT,
];

export const haltFloppy = (): Uint8Array => floppyWith(HALT_FOR_GOOD);
export const spinFloppy = (): Uint8Array => floppyWith(SPIN);
/** Works quietly for about `seconds` (in BIOS ticks), then says DONE. */
export const quietWorkFloppy = (seconds: number): Uint8Array => floppyWith(quietWork(Math.round(seconds * 18.2)));
export const tripleFaultFloppy = (): Uint8Array => floppyWith(TRIPLE_FAULT);
export const resetLineFloppy = (): Uint8Array => floppyWith(RESET_LINE);
export const stopScreenFloppy = (): Uint8Array => floppyWith(STOP_SCREEN);
export const cmovCheckFloppy = (): Uint8Array => floppyWith(CMOV_CHECK);

function bootSector(program: Program): Uint8Array {
  const code = assemble(program);
  if (code.length > 510) throw new Error(`boot sector code is ${code.length} bytes, more than 510`);
  const sector = new Uint8Array(512);
  sector.set(code, 0);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

/**
 * An image of `size` bytes (any size from 1 KiB: odd, not a multiple of a sector) whose boot
 * sector prints `message` from the second sector, followed by "\n".
 */
export function sectorPrinterImage(size: number, message: string): Uint8Array {
  if (size < 1024 || message.length > 510) throw new Error('the image needs two sectors and the message must fit in one');
  const image = new Uint8Array(size);
  image.set(bootSector(PRINT_SECTOR_2), 0);
  image.set(Buffer.from(`${message}\n`, 'latin1'), 512);
  return image;
}

/** A 1.44 MB floppy with a boot sector that floods COM1. */
export function serialFloodFloppy(): Uint8Array {
  return floppyWith(FLOOD);
}

/** A 1.44 MB floppy with a boot sector that redraws the screen without end. */
export function screenFlipFloppy(): Uint8Array {
  return floppyWith(FLIP);
}

function floppyWith(program: Program): Uint8Array {
  const image = new Uint8Array(1_474_560);
  image.set(bootSector(program), 0);
  return image;
}
