/**
 * A bootable 1.44 MB floppy whose boot sector draws a test card in VGA mode 13h (320×200,
 * chain-4, 256 colours), for comparing both emulators' screenshots of a real 256-colour guest.
 * The machine code is hand-assembled 16-bit real mode, each instruction next to its assembly;
 * jumps name labels and their rel8 offsets are computed here, so the listing can be edited.
 *
 * The picture: 16×16 blocks of 20×12 pixels, block (col, row) in palette entry row·16 + col
 * (rows 192–199 wrap to block row 0), each crossed by a 1-pixel diagonal (x % 20 = y % 12) in
 * entry ^ 0x80, which moves one pixel per line and so shows any misplaced pixel, scan line or
 * pixel order within chain-4's groups of four. DAC entries 16–47 (normally SeaBIOS's grey
 * ramp and the start of its hue ring) are reprogrammed through ports 0x3C8/0x3C9 to odd and even
 * 6-bit values, so the test sees a palette the guest wrote, including the 6→8-bit DAC scaling.
 * All code is position independent (only relative jumps, no data), so it runs whether the BIOS
 * enters it at 0000:7C00 or 07C0:0000.
 */

type Line =
  | { readonly asm: string; readonly bytes: readonly number[] }
  | { readonly label: string }
  | { readonly asm: string; readonly opcode: number; readonly to: string };

const PROGRAM: readonly Line[] = [
  // A stack of our own just below the boot sector: the BIOS's may be anywhere.
  { asm: 'cli', bytes: [0xfa] },
  { asm: 'xor ax, ax', bytes: [0x31, 0xc0] },
  { asm: 'mov ss, ax', bytes: [0x8e, 0xd0] },
  { asm: 'mov sp, 0x7c00', bytes: [0xbc, 0x00, 0x7c] },
  { asm: 'sti', bytes: [0xfb] },
  { asm: 'cld', bytes: [0xfc] }, // stosb counts up

  // Video BIOS: set mode 13h (320×200×256, chain-4 at A000:0000, default 256-colour DAC).
  { asm: 'mov ax, 0x0013', bytes: [0xb8, 0x13, 0x00] },
  { asm: 'int 0x10', bytes: [0xcd, 0x10] },

  // DAC entries 16..47: red = 2i + 1 (odd), green = 63 - i, blue = 4 * (i & 15) (even).
  { asm: 'mov dx, 0x03c8', bytes: [0xba, 0xc8, 0x03] },
  { asm: 'mov al, 16', bytes: [0xb0, 0x10] },
  { asm: 'out dx, al', bytes: [0xee] }, // DAC write index = 16
  { asm: 'inc dx', bytes: [0x42] }, // dx = 0x3c9, the DAC data port (R, G, B, next entry)
  { asm: 'xor bx, bx', bytes: [0x31, 0xdb] }, // bl = i
  { label: 'dac' },
  { asm: 'mov al, bl', bytes: [0x88, 0xd8] },
  { asm: 'shl al, 1', bytes: [0xd0, 0xe0] },
  { asm: 'inc ax', bytes: [0x40] }, // al = 2i + 1 (no carry into ah: al ≤ 63)
  { asm: 'out dx, al', bytes: [0xee] }, // red
  { asm: 'mov al, 63', bytes: [0xb0, 0x3f] },
  { asm: 'sub al, bl', bytes: [0x28, 0xd8] },
  { asm: 'out dx, al', bytes: [0xee] }, // green
  { asm: 'mov al, bl', bytes: [0x88, 0xd8] },
  { asm: 'and al, 0x0f', bytes: [0x24, 0x0f] },
  { asm: 'shl al, 1', bytes: [0xd0, 0xe0] },
  { asm: 'shl al, 1', bytes: [0xd0, 0xe0] },
  { asm: 'out dx, al', bytes: [0xee] }, // blue
  { asm: 'inc bx', bytes: [0x43] },
  { asm: 'cmp bl, 32', bytes: [0x80, 0xfb, 0x20] },
  { asm: 'jb dac', opcode: 0x72, to: 'dac' },

  // The frame buffer, row by row: es:di = A000:0000 + 320y + x.
  { asm: 'mov ax, 0xa000', bytes: [0xb8, 0x00, 0xa0] },
  { asm: 'mov es, ax', bytes: [0x8e, 0xc0] },
  { asm: 'xor di, di', bytes: [0x31, 0xff] },
  { asm: 'xor dx, dx', bytes: [0x31, 0xd2] }, // dx = y
  { label: 'row' },
  { asm: 'xor cx, cx', bytes: [0x31, 0xc9] }, // cx = x
  { label: 'col' },
  { asm: 'mov ax, dx', bytes: [0x89, 0xd0] },
  { asm: 'mov bl, 12', bytes: [0xb3, 0x0c] },
  { asm: 'div bl', bytes: [0xf6, 0xf3] }, // al = y / 12 (0..16), ah = y % 12
  { asm: 'push ax', bytes: [0x50] },
  { asm: 'mov ax, cx', bytes: [0x89, 0xc8] },
  { asm: 'mov bl, 20', bytes: [0xb3, 0x14] },
  { asm: 'div bl', bytes: [0xf6, 0xf3] }, // al = x / 20 (0..15), ah = x % 20
  { asm: 'pop bx', bytes: [0x5b] }, // bl = y / 12, bh = y % 12
  { asm: 'shl bl, 1', bytes: [0xd0, 0xe3] },
  { asm: 'shl bl, 1', bytes: [0xd0, 0xe3] },
  { asm: 'shl bl, 1', bytes: [0xd0, 0xe3] },
  { asm: 'shl bl, 1', bytes: [0xd0, 0xe3] }, // bl = (y / 12) << 4: block row 16 wraps to 0
  { asm: 'or al, bl', bytes: [0x08, 0xd8] }, // al = the block's entry
  { asm: 'cmp ah, bh', bytes: [0x38, 0xfc] },
  { asm: 'jne store', opcode: 0x75, to: 'store' },
  { asm: 'xor al, 0x80', bytes: [0x34, 0x80] }, // on the diagonal: the entry 8 block rows away
  { label: 'store' },
  { asm: 'stosb', bytes: [0xaa] }, // es:[di++] = al
  { asm: 'inc cx', bytes: [0x41] },
  { asm: 'cmp cx, 320', bytes: [0x81, 0xf9, 0x40, 0x01] },
  { asm: 'jb col', opcode: 0x72, to: 'col' },
  { asm: 'inc dx', bytes: [0x42] },
  { asm: 'cmp dx, 200', bytes: [0x81, 0xfa, 0xc8, 0x00] },
  { asm: 'jb row', opcode: 0x72, to: 'row' },

  // Done: stop for good (an NMI would only land on the hlt again).
  { label: 'halt' },
  { asm: 'cli', bytes: [0xfa] },
  { asm: 'hlt', bytes: [0xf4] },
  { asm: 'jmp short halt', opcode: 0xeb, to: 'halt' },
];

/** The program as bytes: labels resolved in a first pass (every instruction has a fixed size). */
export function assemble(program: readonly Line[] = PROGRAM): Uint8Array {
  const labels = new Map<string, number>();
  let at = 0;
  for (const line of program) {
    if ('label' in line) labels.set(line.label, at);
    else at += 'bytes' in line ? line.bytes.length : 2;
  }
  const out: number[] = [];
  for (const line of program) {
    if ('label' in line) continue;
    if ('bytes' in line) {
      out.push(...line.bytes);
      continue;
    }
    const target = labels.get(line.to);
    if (target === undefined) throw new Error(`${line.asm}: no label ${line.to}`);
    const rel = target - (out.length + 2);
    if (rel < -128 || rel > 127) throw new Error(`${line.asm}: ${rel} bytes is out of rel8 range`);
    out.push(line.opcode, rel & 0xff);
  }
  return Uint8Array.from(out);
}

export const FLOPPY_144_BYTES = 1_474_560;

/** A 1.44 MB floppy image: the mode-13h test card in its boot sector, zeros after it. */
export function mode13hFloppy(): Uint8Array {
  const code = assemble();
  if (code.length > 510) throw new Error(`boot sector code is ${code.length} bytes, more than 510`);
  const image = new Uint8Array(FLOPPY_144_BYTES);
  image.set(code, 0);
  image[510] = 0x55;
  image[511] = 0xaa;
  return image;
}

/** The palette entry the boot sector writes at (x, y), for checking a screenshot against the intent. */
export function mode13hEntry(x: number, y: number): number {
  const block = ((Math.floor(y / 12) << 4) | Math.floor(x / 20)) & 0xff;
  return x % 20 === y % 12 ? block ^ 0x80 : block;
}
