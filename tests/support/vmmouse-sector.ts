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
  const image = new Uint8Array(FLOPPY_144_BYTES);
  image.set(Buffer.from(CODE, 'hex'), 0);
  image[510] = 0x55;
  image[511] = 0xaa;
  return image;
}

/** The reports printed so far, in order. */
export function vmmouseReports(serial: string): Array<{ buttons: number; x: number; y: number }> {
  return [...serial.matchAll(/P ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4})\n/g)].map((m) => ({ buttons: parseInt(m[1]!, 16), x: parseInt(m[2]!, 16), y: parseInt(m[3]!, 16) }));
}
