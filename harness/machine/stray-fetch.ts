/**
 * Whether a CPU fetches its instructions where the PC has no memory: past its RAM and outside the
 * legacy video and BIOS area (640 KiB–1 MiB) and the BIOS's alias below 4 GiB. A kernel loaded
 * or relocated past the end of a small RAM jumps there and "runs" for ever through bytes that are
 * not there, its instruction pointer marching on while nothing else changes. Only meaningful
 * with paging off: with paging on, the pointer is a virtual address.
 */
const LEGACY_START = 0xa0000;
const LEGACY_END = 0x100000;
const BIOS_ALIAS = 0xfff00000;

export function isStrayFetch(linearIp: number, ramBytes: number): boolean {
  const ip = linearIp >>> 0;
  return ip >= ramBytes && !(ip >= LEGACY_START && ip < LEGACY_END) && ip < BIOS_ALIAS;
}
