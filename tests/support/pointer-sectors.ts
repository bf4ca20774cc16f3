/**
 * A bootable 1.44 MB floppy whose boot sector drives the VMware-backdoor absolute pointer (the
 * protocol of Xorg's vmmouse driver) and prints every pointer report on COM1 as
 * `P <buttons> <x> <y>` in hex, x and y on the device's 0..0xFFFF scale; `R` once it has asked
 * for absolute mode. A real guest reading where the pointer is, for the pointer integration test.
 *
 * Assembled with GNU as (`as --32`, `objcopy -O binary`) from this source, 16-bit real mode:
 *
 *       cli; xor %ax,%ax; mov %ax,%ss; mov $0x7c00,%sp; sti
 *       mov $0x00e3,%ax; xor %dx,%dx; int $0x14      # COM1: 9600 8N1 through the BIOS
 *       mov $0x45414552,%ebx; mov $41,%ecx; call vm  # COMMAND READ_ID: enables the device
 *       mov $40,%ecx; call vm                        # STATUS
 *       mov $39,%ecx; mov $1,%ebx; call vm           # DATA: drain the version word
 *       mov $0x53424152,%ebx; mov $41,%ecx; call vm  # COMMAND REQUEST_ABSOLUTE
 *       mov $'R',%al; call putc; mov $'\n',%al; call putc
 *     poll:
 *       mov $40,%ecx; xor %ebx,%ebx; call vm; cmp $4,%ax; jb poll   # STATUS: 4 words queued?
 *       mov $39,%ecx; mov $4,%ebx; call vm           # DATA: eax buttons, ebx x, ecx y, edx wheel
 *       push %cx; push %bx; mov %ax,%bx; mov $'P',%al; call putc
 *       call hex; pop %bx; call hex; pop %bx; call hex
 *       mov $'\n',%al; call putc; jmp poll
 *     vm:   mov $0x564d5868,%eax; mov $0x5658,%dx; in %dx,%eax; ret   # 'VMXh' on the backdoor port
 *     hex:  mov $' ',%al; call putc; mov $4,%cx
 *       1: rol $4,%bx; mov %bl,%al; and $0x0f,%al; add $'0',%al; cmp $'9',%al; jbe 2f; add $7,%al
 *       2: call putc; loop 1b; ret
 *     putc: mov %al,%ah; mov $0x3fd,%dx
 *       3: in %dx,%al; test $0x20,%al; jz 3b; mov $0x3f8,%dx; mov %ah,%al; out %al,%dx; ret
 */
const CODE = 'fa31c08ed0bc007cfbb8e30031d2cd1466bb5245414566b929000000e86c0066b928000000e8630066b92700000066bb01000000e8540066bb5241425366b929000000e84500b052e86900b00ae8640066b9280000006631dbe82f0083f80472ef66b92700000066bb04000000e81b00515389c3b050e83b00e81b005be817005be81300b00ae82b00ebc566b868584d56ba585666edc3b020e81800b90400c1c30488d8240f04303c3976020407e80300e2ecc388c4bafd03eca82074fbbaf80388e0eec3';

const FLOPPY_144_BYTES = 1_474_560;

export function vmmouseFloppy(): Uint8Array {
  return floppy(CODE);
}

/**
 * The same for a PS/2 mouse without a driver's acceleration: the boot sector enables the
 * i8042's aux port and data reporting, then keeps a cursor that each packet moves by exactly its
 * deltas, clamped to the 720×400 text screen as a cursor stops at the edges, and prints it as
 * `M <x> <y>` in hex after every packet; `R` once reporting is on. Source (GNU as, 16-bit):
 *
 *       cli; xor %ax,%ax; mov %ax,%ss; mov $0x7c00,%sp
 *       mov $0x00e3,%ax; xor %dx,%dx; int $0x14; cli   # COM1; interrupts stay off: we poll
 *       call wait_in; mov $0xa8,%al; out %al,$0x64      # enable the aux port
 *       call wait_in; mov $0xd4,%al; out %al,$0x64      # next byte to the mouse:
 *       call wait_in; mov $0xf4,%al; out %al,$0x60      # enable data reporting
 *       call read                                       # its ACK
 *       mov $'R',%al; call putc; mov $'\n',%al; call putc
 *       xor %si,%si; xor %di,%di                        # cursor x, y
 *     packet:
 *       call read; test $0x08,%al; jz packet; mov %al,%bl          # flags (bit 3 always set)
 *       call read; cbw; test $0x10,%bl; jnz 4f; xor %ah,%ah        # dx, signed by flag bit 4
 *    4: add %ax,%si; jns 5f; xor %si,%si
 *    5: cmp $719,%si; jle 6f; mov $719,%si
 *    6: call read; cbw; test $0x20,%bl; jnz 7f; xor %ah,%ah        # dy (up), signed by bit 5
 *    7: sub %ax,%di; jns 8f; xor %di,%di
 *    8: cmp $399,%di; jle 9f; mov $399,%di
 *    9: mov $'M',%al; call putc; mov %si,%bx; call hex; mov %di,%bx; call hex
 *       mov $'\n',%al; call putc; jmp packet
 *     wait_in: in $0x64,%al; test $0x02,%al; jnz wait_in; ret
 *     read:    in $0x64,%al; test $0x01,%al; jz read; in $0x60,%al; ret
 *     hex, putc: as above
 */
const PS2_CODE = 'fa31c08ed0bc007cb8e30031d2cd14fae87600b0a8e664e86f00b0d4e664e86800b0f4e660e86800b052e88900b00ae8840031f631ffe85700a80874f988c3e84e0098f6c310750230e401c6790231f681fecf027e03becf02e8340098f6c320750230e429c7790231ff81ff8f017e03bf8f01b04de83e0089f3e81c0089fbe81700b00ae82f00ebade464a80275fac3e464a80174fae460c3b020e81800b90400c1c30488d8240f04303c3976020407e80300e2ecc388c4bafd03eca82074fbbaf80388e0eec3';

export function ps2Floppy(): Uint8Array {
  return floppy(PS2_CODE);
}

/**
 * A PS/2 reader as slow as a busy guest: it masks the mouse's and keyboard's IRQs, enables
 * reporting as above, and after each packet prints its flags byte (bit 0: left button) as
 * `B <flags>` in hex, then sleeps until the next timer tick (~55 ms) before reading the next.
 * Moves outrun it, so QEMU's 16-byte PS/2 queue is full when a click comes. Source (GNU as,
 * 16-bit; wait_in, read, hex and putc as above):
 *
 *       cli; xor %ax,%ax; mov %ax,%ss; mov $0x7c00,%sp
 *       mov $0x00e3,%ax; xor %dx,%dx; int $0x14; cli
 *       in $0xa1,%al; or $0x10,%al; out %al,$0xa1       # mask IRQ12: we poll the mouse
 *       in $0x21,%al; or $0x02,%al; out %al,$0x21       # and IRQ1; the timer stays
 *       (enable the aux port and data reporting, read the ACK, print R, as above)
 *     packet:
 *       call read; test $0x08,%al; jz packet; mov %al,%bl
 *       call read; call read                            # dx, dy: not needed
 *       xor %bh,%bh; mov $'B',%al; call putc; call hex; mov $'\n',%al; call putc
 *       sti; hlt; cli                                   # one timer tick
 *       jmp packet
 */
const SLOW_PS2_CODE =
  'fa31c08ed0bc007cb8e30031d2cd14fae4a10c10e6a1e4210c02e621e84200b0a8e664e83b00b0d4e664e83400b0f4e660e83400b052e85900b00ae85400e82700a80874f988c3e81e00e81b0030ffb042e83e00e81e00b00ae83600e81200ebdde464a80275fac3e464a80174fae460c3fbf4fac3b020e81800b90400c1c30488d8240f04303c3976020407e80300e2ecc388c4bafd03eca82074fbbaf80388e0eec3';

export function slowPs2Floppy(): Uint8Array {
  return floppy(SLOW_PS2_CODE);
}

function floppy(code: string): Uint8Array {
  const image = new Uint8Array(FLOPPY_144_BYTES);
  image.set(Buffer.from(code, 'hex'), 0);
  image[510] = 0x55;
  image[511] = 0xaa;
  return image;
}

/** The PS/2 boot sector's cursor after each packet, in order. */
export function ps2Positions(serial: string): Array<{ x: number; y: number }> {
  return [...serial.matchAll(/M ([0-9A-F]{4}) ([0-9A-F]{4})\n/g)].map((m) => ({ x: parseInt(m[1]!, 16), y: parseInt(m[2]!, 16) }));
}

/** The slow PS/2 boot sector's packets so far: whether each had the left button down. */
export function ps2LeftButton(serial: string): boolean[] {
  return [...serial.matchAll(/B ([0-9A-F]{4})\n/g)].map((m) => (parseInt(m[1]!, 16) & 0x01) === 1);
}

/** The reports printed so far, in order. */
export function vmmouseReports(serial: string): Array<{ buttons: number; x: number; y: number }> {
  return [...serial.matchAll(/P ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4})\n/g)].map((m) => ({ buttons: parseInt(m[1]!, 16), x: parseInt(m[2]!, 16), y: parseInt(m[3]!, 16) }));
}
